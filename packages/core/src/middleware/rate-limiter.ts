import { abortReason } from "../abort.js";
import { TokenBucket } from "./token-bucket.js";

/** What one call takes from the limiter. */
export interface RateCost {
  requests: number;
  tokens: number;
}

/** Which limit holds a call up. */
export type RateLimitReason = "requests" | "tokens";

interface Waiter {
  cost: RateCost;
  admit: () => void;
}

const MINUTE_MS = 60_000;

/**
 * Per-minute request and token buckets behind one strict FIFO queue: a call goes when every
 * bucket holds its cost and nobody is ahead of it, so a large call is never starved by small
 * ones. One timer, armed for the head of the queue, drives it.
 */
export class RateLimiter {
  readonly #buckets: Array<{ reason: RateLimitReason; bucket: TokenBucket }> = [];
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `burstMs` (default a minute) sizes each bucket: it holds what its limit allows in that long,
   * and refills over that long, so the rate is the limit whatever the burst.
   */
  constructor(
    limits: { requestsPerMinute?: number; tokensPerMinute?: number; burstMs?: number },
    now: number = Date.now(),
  ) {
    const burstMs = limits.burstMs ?? MINUTE_MS;
    const bucket = (perMinute: number) => new TokenBucket((perMinute * burstMs) / MINUTE_MS, burstMs, now);
    if (limits.requestsPerMinute !== undefined)
      this.#buckets.push({ reason: "requests", bucket: bucket(limits.requestsPerMinute) });
    if (limits.tokensPerMinute !== undefined)
      this.#buckets.push({ reason: "tokens", bucket: bucket(limits.tokensPerMinute) });
  }

  /** Calls waiting now. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * How long `cost` would wait if it joined the queue now, behind everyone already in it, and
   * which limit holds it up longest. Later corrections can shorten or lengthen the real wait.
   */
  expectedWait(cost: RateCost, now: number = Date.now()): { ms: number; reason: RateLimitReason } {
    let worst: { ms: number; reason: RateLimitReason } = {
      ms: 0,
      reason: this.#buckets[0]?.reason ?? "requests",
    };
    for (const { reason, bucket } of this.#buckets) {
      let need = cost[reason];
      for (const waiter of this.#queue) need += waiter.cost[reason];
      const ms = bucket.msUntil(need, now);
      if (ms > worst.ms) worst = { ms, reason };
    }
    return worst;
  }

  /** Takes `cost` at once if nobody waits and every bucket holds it; false otherwise. */
  tryTake(cost: RateCost, now: number = Date.now()): boolean {
    if (this.#queue.length > 0 || !this.#fits(cost, now)) return false;
    this.#take(cost, now);
    return true;
  }

  /** Waits in line until `cost` fits, then takes it. Aborting leaves the line with the signal's Keel error. */
  take(cost: RateCost, signal?: AbortSignal): Promise<void> {
    if (this.tryTake(cost)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        cost,
        admit: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        // The head may have changed: re-arm for the new one.
        this.#pump();
        reject(abortReason(signal!));
      };
      this.#queue.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pump();
    });
  }

  /** Charges (`delta` > 0) or refunds (`delta` < 0) tokens after a call, once its real usage is known. */
  adjustTokens(delta: number, now: number = Date.now()): void {
    const tokens = this.#buckets.find((b) => b.reason === "tokens")?.bucket;
    if (!tokens || delta === 0) return;
    if (delta > 0) tokens.take(delta, now);
    else tokens.give(-delta, now);
    this.#pump();
  }

  #fits(cost: RateCost, now: number): boolean {
    return this.#buckets.every(({ reason, bucket }) => bucket.msUntil(cost[reason], now) === 0);
  }

  #take(cost: RateCost, now: number): void {
    for (const { reason, bucket } of this.#buckets) bucket.take(cost[reason], now);
  }

  /** Admits waiters from the head while they fit, then arms one timer for the next. */
  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    for (let head = this.#queue[0]; head; head = this.#queue[0]) {
      let ms = 0;
      for (const { reason, bucket } of this.#buckets)
        ms = Math.max(ms, bucket.msUntil(head.cost[reason], now));
      if (ms > 0) {
        this.#timer = setTimeout(() => this.#pump(), ms);
        return;
      }
      this.#take(head.cost, now);
      this.#queue.shift();
      head.admit();
    }
  }
}
