import { CircuitOpenError } from "../errors.js";
import type { BreakerState } from "../events.js";
import type { CallContext, Model } from "../model.js";
import {
  type FailureRateRule,
  type OutcomeBuckets,
  rateTripped,
  recordOutcome,
} from "../shared-state/failure-window.js";

/** The settled options of one circuit, plus where its state changes are reported. */
export interface CircuitConfig {
  /** Consecutive failures that open the circuit, if that mode is on. */
  failureThreshold: number | undefined;
  /** The failing share of a rolling window that opens the circuit, if that mode is on. */
  failureRate: FailureRateRule | undefined;
  cooldownMs: number;
  halfOpenMaxCalls: number;
  now: () => number;
  onChange: (from: BreakerState, to: BreakerState, context: CallContext | undefined) => void;
}

/** What a call was admitted under: the circuit's epoch and the failures counted by then. */
export interface CircuitTicket {
  epoch: number;
  failureSeq: number;
}

/**
 * The closed / open / half-open state machine of one circuit breaker. Each admitted call gets a
 * ticket; its outcome counts only while the circuit is still in the state it was admitted in, so
 * a slow call started before the circuit opened cannot close or reopen it later. Likewise a
 * success resets the consecutive count only if no failure was counted since the call started:
 * a slow answer to a request sent before an outage says nothing about the provider now.
 */
export class Circuit {
  #state: BreakerState = "closed";
  #epoch = 0;
  #failures = 0;
  /** Failures counted ever, so a ticket can tell whether one came after it. */
  #failureSeq = 0;
  #outcomes: OutcomeBuckets = [];
  #openedAt = 0;
  #trials = 0;

  constructor(
    private readonly model: Model,
    private readonly config: CircuitConfig,
  ) {}

  /** The state now (an open circuit whose cooldown is over reports half-open). */
  state(): BreakerState {
    this.#cooledDown(undefined);
    return this.#state;
  }

  /** Lets a call through and returns its ticket, or throws `CircuitOpenError`. */
  admit(context: CallContext | undefined): CircuitTicket {
    this.#cooledDown(context);
    if (this.#state === "open") {
      const waitMs = Math.max(0, this.#openedAt + this.config.cooldownMs - this.config.now());
      throw this.#rejection(`the circuit for ${this.model.id} is open; next trial in ${waitMs} ms`, waitMs);
    }
    if (this.#state === "half-open") {
      if (this.#trials >= this.config.halfOpenMaxCalls)
        throw this.#rejection(
          `the circuit for ${this.model.id} is half-open and its trial calls are in flight`,
        );
      this.#trials++;
    }
    return { epoch: this.#epoch, failureSeq: this.#failureSeq };
  }

  /** The call with `ticket` succeeded: a half-open circuit closes, a closed one may forget past failures. */
  succeeded(ticket: CircuitTicket, context: CallContext | undefined): void {
    if (ticket.epoch !== this.#epoch) return;
    if (this.#state === "half-open") {
      this.#move("closed", context);
      return;
    }
    if (ticket.failureSeq === this.#failureSeq) this.#failures = 0;
    this.#record(false);
  }

  /** The call with `ticket` failed in a way that says the model is unhealthy. */
  failed(ticket: CircuitTicket, context: CallContext | undefined): void {
    if (ticket.epoch !== this.#epoch) return;
    if (this.#state === "half-open") {
      this.#move("open", context);
      return;
    }
    this.#failureSeq++;
    this.#failures++;
    this.#record(true);
    const { failureThreshold, failureRate } = this.config;
    const tooMany = failureThreshold !== undefined && this.#failures >= failureThreshold;
    const tooOften = failureRate !== undefined && rateTripped(this.#outcomes, this.config.now(), failureRate);
    if (tooMany || tooOften) this.#move("open", context);
  }

  /** The call with `ticket` ended without telling anything about health (aborted, bad request). */
  released(ticket: CircuitTicket): void {
    if (ticket.epoch === this.#epoch && this.#state === "half-open") this.#trials--;
  }

  #record(failed: boolean): void {
    const rule = this.config.failureRate;
    if (rule) this.#outcomes = recordOutcome(this.#outcomes, this.config.now(), rule.windowMs, failed);
  }

  #cooledDown(context: CallContext | undefined): void {
    if (this.#state === "open" && this.config.now() - this.#openedAt >= this.config.cooldownMs)
      this.#move("half-open", context);
  }

  #move(to: BreakerState, context: CallContext | undefined): void {
    const from = this.#state;
    this.#state = to;
    this.#epoch++;
    this.#failures = 0;
    this.#outcomes = [];
    this.#trials = 0;
    if (to === "open") this.#openedAt = this.config.now();
    this.config.onChange(from, to, context);
  }

  #rejection(message: string, retryAfterMs?: number): CircuitOpenError {
    return new CircuitOpenError(message, {
      provider: this.model.provider,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}
