import { CircuitOpenError } from "../errors.js";
import type { BreakerState } from "../events.js";
import type { CallContext, Model } from "../model.js";
import { type FailureRateRule, type OutcomeBuckets, rateTripped, recordOutcome } from "./failure-window.js";
import type { SharedState } from "./shared-state.js";

export interface SharedCircuitConfig {
  failureThreshold: number | undefined;
  failureRate: FailureRateRule | undefined;
  cooldownMs: number;
  halfOpenMaxCalls: number;
  /** How often a cached state is read again. */
  pollMs: number;
  /** How long a trial holds its slot before another replica may take it over. */
  trialLeaseMs: number;
  onChange: (from: BreakerState, to: BreakerState, context: CallContext | undefined) => void;
}

/** The circuit as stored: plain JSON, times on the store's clock. */
interface Record {
  state: BreakerState;
  /** Goes up on every change of state; outcomes of calls admitted under another one are ignored. */
  generation: number;
  openedAt: number;
  /** Failures counted ever, so a success can tell whether one came after its call started. */
  failureSeq: number;
  consecutive: number;
  outcomes: OutcomeBuckets;
  trials: number;
  trialsUntil: number;
}

interface Ticket {
  generation: number;
  failureSeq: number;
  trial: boolean;
}

const CLOSED: Record = {
  state: "closed",
  generation: 0,
  openedAt: 0,
  failureSeq: 0,
  consecutive: 0,
  outcomes: [],
  trials: 0,
  trialsUntil: 0,
};
/** Compare-and-set rounds before an outcome is given up under contention. */
const ATTEMPTS = 8;
/** A closed circuit nobody touched for this long is forgotten (it would read as closed anyway). */
const RECORD_TTL_MS = 24 * 3_600_000;

/**
 * One circuit kept as a versioned record in a `SharedState`, changed only by compare-and-set, so
 * all replicas see the same state. A replica reads it at most every `pollMs` while it only
 * admits calls, and after each change it makes. Outcomes are written off the call's path; one
 * lost to contention (eight failed compare-and-sets in a row) is dropped.
 */
export class SharedCircuit {
  #cached: { record: Record; version: number; storeNow: number; readAt: number } | undefined;
  #reading: Promise<void> | undefined;
  #seen: BreakerState = "closed";

  constructor(
    private readonly model: Model,
    private readonly store: SharedState,
    private readonly key: string,
    private readonly config: SharedCircuitConfig,
  ) {}

  /** The state as this replica last read it. */
  state(): BreakerState {
    const cached = this.#cached;
    if (!cached) return "closed";
    const { record } = cached;
    if (record.state === "open" && this.#storeNow() >= record.openedAt + this.config.cooldownMs)
      return "half-open";
    return record.state;
  }

  /** Lets a call through and returns its ticket, or throws `CircuitOpenError`. */
  async admit(context: CallContext | undefined): Promise<Ticket> {
    await this.#fresh(context);
    const { record } = this.#cached!;
    if (record.state === "closed")
      return { generation: record.generation, failureSeq: record.failureSeq, trial: false };
    const now = this.#storeNow();
    const waitMs = record.openedAt + this.config.cooldownMs - now;
    if (record.state === "open" && waitMs > 0)
      throw this.#rejection(
        `the circuit for ${this.model.id} is open; next trial in ${Math.ceil(waitMs)} ms`,
        waitMs,
      );
    if (record.state === "half-open" && !this.#trialFree(record, now)) throw this.#trialsBusy();
    const claim = await this.#update(context, (current, storeNow) => {
      if (current.state === "closed") return undefined;
      if (current.state === "open" && storeNow < current.openedAt + this.config.cooldownMs) return undefined;
      if (current.state === "half-open" && !this.#trialFree(current, storeNow)) return undefined;
      const expired = current.state === "open" || storeNow >= current.trialsUntil;
      return {
        ...current,
        state: "half-open",
        generation: current.state === "half-open" ? current.generation : current.generation + 1,
        trials: (expired ? 0 : current.trials) + 1,
        trialsUntil: storeNow + this.config.trialLeaseMs,
      };
    });
    if (claim.wrote)
      return { generation: claim.record.generation, failureSeq: claim.record.failureSeq, trial: true };
    if (claim.record.state === "closed")
      return { generation: claim.record.generation, failureSeq: claim.record.failureSeq, trial: false };
    throw this.#trialsBusy();
  }

  /** A success: a trial closes the circuit; a closed one forgets failures counted before none since the call began. */
  succeeded(ticket: Ticket, context: CallContext | undefined): void {
    const cached = this.#cached?.record;
    // Nothing to change: no failures to forget and no window to fill.
    if (
      !ticket.trial &&
      !this.config.failureRate &&
      cached?.consecutive === 0 &&
      cached.generation === ticket.generation
    )
      return;
    this.#background(context, (current, now) => {
      if (current.generation !== ticket.generation) return undefined;
      if (ticket.trial)
        return current.state === "half-open"
          ? { ...CLOSED, generation: current.generation + 1, failureSeq: current.failureSeq }
          : undefined;
      if (current.state !== "closed") return undefined;
      return {
        ...current,
        consecutive: ticket.failureSeq === current.failureSeq ? 0 : current.consecutive,
        outcomes: this.#recorded(current.outcomes, now, false),
      };
    });
  }

  /**
   * A failure that says the model is unhealthy. Written before the failed call returns, so the
   * replica that sees the failure that trips the circuit has opened it for all when it returns.
   */
  async failed(ticket: Ticket, context: CallContext | undefined): Promise<void> {
    await this.#settled(context, (current, now) => {
      if (current.generation !== ticket.generation) return undefined;
      if (ticket.trial) return current.state === "half-open" ? this.#opened(current, now) : undefined;
      if (current.state !== "closed") return undefined;
      const next = {
        ...current,
        failureSeq: current.failureSeq + 1,
        consecutive: current.consecutive + 1,
        outcomes: this.#recorded(current.outcomes, now, true),
      };
      const { failureThreshold, failureRate } = this.config;
      const tooMany = failureThreshold !== undefined && next.consecutive >= failureThreshold;
      const tooOften = failureRate !== undefined && rateTripped(next.outcomes, now, failureRate);
      return tooMany || tooOften ? this.#opened(next, now) : next;
    });
  }

  /** A call that told nothing about health; a trial gives its slot back. */
  released(ticket: Ticket): void {
    if (!ticket.trial) return;
    this.#background(undefined, (current) =>
      current.generation === ticket.generation && current.state === "half-open" && current.trials > 0
        ? { ...current, trials: current.trials - 1 }
        : undefined,
    );
  }

  #opened(record: Record, now: number): Record {
    return {
      ...record,
      state: "open",
      generation: record.generation + 1,
      openedAt: now,
      consecutive: 0,
      outcomes: [],
      trials: 0,
    };
  }

  #recorded(outcomes: OutcomeBuckets, now: number, failed: boolean): OutcomeBuckets {
    const rule = this.config.failureRate;
    return rule ? recordOutcome(outcomes, now, rule.windowMs, failed) : outcomes;
  }

  #trialFree(record: Record, now: number): boolean {
    return record.trials < this.config.halfOpenMaxCalls || now >= record.trialsUntil;
  }

  #storeNow(): number {
    const cached = this.#cached;
    return cached ? cached.storeNow + (Date.now() - cached.readAt) : Date.now();
  }

  /** Rereads the record when the cached one is older than `pollMs`; concurrent callers share one read. */
  async #fresh(context: CallContext | undefined): Promise<void> {
    if (this.#cached && Date.now() - this.#cached.readAt < this.config.pollMs) return;
    this.#reading ??= this.store
      .readRecord(this.key)
      .then((read) => this.#observe(parse(read.value), read.version, read.now, context))
      .finally(() => {
        this.#reading = undefined;
      });
    await this.#reading;
  }

  #observe(record: Record, version: number, storeNow: number, context: CallContext | undefined): void {
    this.#cached = { record, version, storeNow, readAt: Date.now() };
    const state = this.state();
    if (state !== this.#seen) {
      const from = this.#seen;
      this.#seen = state;
      this.config.onChange(from, state, context);
    }
  }

  /** Read, change, compare-and-set, again on conflict. `change` returns undefined for "nothing to write". */
  async #update(
    context: CallContext | undefined,
    change: (current: Record, storeNow: number) => Record | undefined,
  ): Promise<{ wrote: boolean; record: Record }> {
    let record = this.#cached?.record ?? CLOSED;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await this.store.readRecord(this.key);
      record = parse(read.value);
      this.#observe(record, read.version, read.now, context);
      const next = change(record, read.now);
      if (!next) return { wrote: false, record };
      if (await this.store.writeRecord(this.key, read.version, JSON.stringify(next), RECORD_TTL_MS)) {
        this.#observe(next, read.version + 1, read.now, context);
        return { wrote: true, record: next };
      }
    }
    return { wrote: false, record };
  }

  #background(
    context: CallContext | undefined,
    change: (current: Record, storeNow: number) => Record | undefined,
  ) {
    void this.#settled(context, change);
  }

  /** An outcome's update; a store that fails it loses the outcome (the call itself is unaffected). */
  async #settled(
    context: CallContext | undefined,
    change: (current: Record, storeNow: number) => Record | undefined,
  ): Promise<void> {
    await this.#update(context, change).catch(() => {});
  }

  #trialsBusy(): CircuitOpenError {
    return this.#rejection(`the circuit for ${this.model.id} is half-open and its trial calls are in flight`);
  }

  #rejection(message: string, retryAfterMs?: number): CircuitOpenError {
    return new CircuitOpenError(message, {
      provider: this.model.provider,
      ...(retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(retryAfterMs) } : {}),
    });
  }
}

function parse(value: string | undefined): Record {
  return value === undefined ? CLOSED : { ...CLOSED, ...(JSON.parse(value) as Partial<Record>) };
}
