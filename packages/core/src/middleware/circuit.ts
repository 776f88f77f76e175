import { CircuitOpenError } from "../errors.js";
import type { BreakerState } from "../events.js";
import type { CallContext, Model } from "../model.js";

/** The settled options of one circuit, plus where its state changes are reported. */
export interface CircuitConfig {
  failureThreshold: number;
  cooldownMs: number;
  halfOpenMaxCalls: number;
  now: () => number;
  onChange: (from: BreakerState, to: BreakerState, context: CallContext | undefined) => void;
}

/**
 * The closed / open / half-open state machine of one circuit breaker. Each admitted call gets a
 * ticket; its outcome counts only while the circuit is still in the state it was admitted in, so
 * a slow call started before the circuit opened cannot close or reopen it later.
 */
export class Circuit {
  #state: BreakerState = "closed";
  #epoch = 0;
  #failures = 0;
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
  admit(context: CallContext | undefined): number {
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
    return this.#epoch;
  }

  /** The call with `ticket` succeeded: a half-open circuit closes, a closed one forgets past failures. */
  succeeded(ticket: number, context: CallContext | undefined): void {
    if (ticket !== this.#epoch) return;
    if (this.#state === "half-open") this.#move("closed", context);
    else this.#failures = 0;
  }

  /** The call with `ticket` failed in a way that says the model is unhealthy. */
  failed(ticket: number, context: CallContext | undefined): void {
    if (ticket !== this.#epoch) return;
    if (this.#state === "half-open" || ++this.#failures >= this.config.failureThreshold)
      this.#move("open", context);
  }

  /** The call with `ticket` ended without telling anything about health (aborted, bad request). */
  released(ticket: number): void {
    if (ticket === this.#epoch && this.#state === "half-open") this.#trials--;
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
