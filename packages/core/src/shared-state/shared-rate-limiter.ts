import { sleep } from "../abort.js";
import { LocalLine } from "./local-line.js";
import type { BucketTake, SharedState } from "./shared-state.js";

/** What one call takes, and which limit holds it up. */
export interface SharedRateCost {
  requests: number;
  tokens: number;
}
export type SharedRateReason = "requests" | "tokens";

const MINUTE_MS = 60_000;

/**
 * Requests-per-minute and tokens-per-minute buckets kept in a `SharedState`, so every replica
 * takes from the same quota. In this process calls wait in one FIFO line whose head alone asks
 * the store again, after the wait the store said was needed. Across replicas there is no common
 * line: whichever replica asks first after a refill gets the tokens.
 */
export class SharedRateLimiter {
  readonly #store: SharedState;
  readonly #buckets: Array<{ reason: SharedRateReason; key: string; capacity: number }> = [];
  readonly #periodMs: number;
  readonly #line = new LocalLine();
  /** The store's last answer on how long the head must still wait. */
  lastWaitMs = 0;

  constructor(
    store: SharedState,
    key: string,
    limits: {
      requestsPerMinute?: number | undefined;
      tokensPerMinute?: number | undefined;
      /** Each bucket holds what its limit allows in this long (default a minute). */
      burstMs?: number | undefined;
    },
  ) {
    this.#store = store;
    this.#periodMs = limits.burstMs ?? MINUTE_MS;
    const capacity = (perMinute: number) => (perMinute * this.#periodMs) / MINUTE_MS;
    if (limits.requestsPerMinute !== undefined)
      this.#buckets.push({
        reason: "requests",
        key: `${key}:rpm`,
        capacity: capacity(limits.requestsPerMinute),
      });
    if (limits.tokensPerMinute !== undefined)
      this.#buckets.push({ reason: "tokens", key: `${key}:tpm`, capacity: capacity(limits.tokensPerMinute) });
  }

  /** Calls of this process waiting now. */
  get waiting(): number {
    return this.#line.length;
  }

  /** Takes `cost` now when nobody here waits and the store has it; otherwise says how long it would wait. */
  async tryTake(cost: SharedRateCost): Promise<{ ok: boolean; waitMs: number; reason: SharedRateReason }> {
    if (this.#line.length > 0) return { ok: false, ...this.#hint() };
    const result = await this.#store.takeTokens(this.#takes(cost));
    const reason = this.#buckets[result.blockedBy]?.reason ?? "requests";
    this.lastWaitMs = result.waitMs;
    return { ok: result.ok, waitMs: result.waitMs, reason };
  }

  /** Waits in this process's line, then until the store has `cost`, and takes it. Abortable. */
  async take(cost: SharedRateCost, signal: AbortSignal): Promise<void> {
    const leave = await this.#line.join(signal);
    try {
      for (;;) {
        const result = await this.#store.takeTokens(this.#takes(cost));
        this.lastWaitMs = result.waitMs;
        if (result.ok) return;
        await sleep(result.waitMs, signal);
      }
    } finally {
      leave();
    }
  }

  /** Charges (`delta` > 0) or refunds tokens once a call's real usage is known. */
  async adjustTokens(delta: number): Promise<void> {
    const tokens = this.#buckets.find((b) => b.reason === "tokens");
    if (!tokens || delta === 0) return;
    await this.#store.adjustTokens({
      key: tokens.key,
      capacity: tokens.capacity,
      periodMs: this.#periodMs,
      cost: delta,
    });
  }

  #takes(cost: SharedRateCost): BucketTake[] {
    return this.#buckets.map((b) => ({
      key: b.key,
      capacity: b.capacity,
      periodMs: this.#periodMs,
      cost: cost[b.reason],
    }));
  }

  /** A wait estimate for a newcomer behind the line: what the head was last told. */
  #hint(): { waitMs: number; reason: SharedRateReason } {
    return { waitMs: this.lastWaitMs, reason: this.#buckets[0]?.reason ?? "requests" };
  }
}
