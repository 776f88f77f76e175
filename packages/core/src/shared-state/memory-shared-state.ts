import { InvalidRequestError } from "../errors.js";
import type {
  BucketTake,
  CounterAdd,
  CounterResult,
  LeaseResult,
  SharedState,
  TakeResult,
  VersionedRecord,
} from "./shared-state.js";

export interface MemorySharedStateOptions {
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
}

interface Bucket {
  /** Level in token-milliseconds (tokens × periodMs), so whole inputs stay exact. */
  scaled: number;
  at: number;
}

/** Shared state kept in this process: what one replica (or a test) uses, and Redis's local fallback. */
export function memorySharedState(options: MemorySharedStateOptions = {}): SharedState {
  return new MemorySharedState(options.now ?? Date.now);
}

class MemorySharedState implements SharedState {
  readonly name = "memory";
  readonly #buckets = new Map<string, Bucket>();
  readonly #counters = new Map<string, { window: number; total: number }>();
  readonly #leases = new Map<string, Map<string, number>>();
  readonly #records = new Map<string, { value: string; version: number; expiresAt: number }>();

  constructor(private readonly clock: () => number) {}

  async takeTokens(takes: readonly BucketTake[]): Promise<TakeResult> {
    const now = this.clock();
    let waitMs = 0;
    let blockedBy = 0;
    takes.forEach((take, index) => {
      checkTake(take);
      const short = take.cost * take.periodMs - this.#bucket(take, now).scaled;
      const ms = short <= 0 ? 0 : Math.ceil(short / take.capacity);
      if (ms > waitMs) {
        waitMs = ms;
        blockedBy = index;
      }
    });
    if (waitMs > 0) return { ok: false, waitMs, blockedBy };
    for (const take of takes) this.#bucket(take, now).scaled -= take.cost * take.periodMs;
    return { ok: true, waitMs: 0, blockedBy: 0 };
  }

  async adjustTokens(take: BucketTake): Promise<void> {
    checkTake(take, true);
    const bucket = this.#bucket(take, this.clock());
    bucket.scaled = Math.min(take.capacity * take.periodMs, bucket.scaled - take.cost * take.periodMs);
  }

  async addToCounter(add: CounterAdd): Promise<CounterResult> {
    checkCounter(add);
    const window = add.windowMs > 0 ? Math.floor(this.clock() / add.windowMs) : 0;
    let counter = this.#counters.get(add.key);
    if (!counter || counter.window !== window) {
      counter = { window, total: 0 };
      this.#counters.set(add.key, counter);
    }
    if (add.window !== undefined && add.window !== window) return { ok: true, total: counter.total, window };
    if (add.limit !== undefined && add.delta > 0 && counter.total + add.delta > add.limit)
      return { ok: false, total: counter.total, window };
    counter.total += add.delta;
    return { ok: true, total: counter.total, window };
  }

  async acquireLease(key: string, max: number, leaseMs: number): Promise<LeaseResult> {
    checkLease(max, leaseMs);
    const now = this.clock();
    const held = this.#liveLeases(key, now);
    if (held.size < max) {
      const id = crypto.randomUUID();
      held.set(id, now + leaseMs);
      return { ok: true, id, expiresAt: now + leaseMs };
    }
    return { ok: false, held: held.size, retryInMs: Math.max(1, Math.min(...held.values()) - now) };
  }

  async renewLease(key: string, id: string, leaseMs: number): Promise<boolean> {
    checkLease(1, leaseMs);
    const now = this.clock();
    const held = this.#liveLeases(key, now);
    if (!held.has(id)) return false;
    held.set(id, now + leaseMs);
    return true;
  }

  async releaseLease(key: string, id: string): Promise<void> {
    this.#leases.get(key)?.delete(id);
  }

  async readRecord(key: string): Promise<VersionedRecord> {
    const now = this.clock();
    const record = this.#liveRecord(key, now);
    return { value: record?.value, version: record?.version ?? 0, now };
  }

  async writeRecord(key: string, expectedVersion: number, value: string, ttlMs = 0): Promise<boolean> {
    const now = this.clock();
    const version = this.#liveRecord(key, now)?.version ?? 0;
    if (version !== expectedVersion) return false;
    const expiresAt = ttlMs > 0 ? now + ttlMs : Number.POSITIVE_INFINITY;
    this.#records.set(key, { value, version: version + 1, expiresAt });
    return true;
  }

  /** The bucket refilled up to `now`; an unknown one starts full. */
  #bucket(take: BucketTake, now: number): Bucket {
    const full = take.capacity * take.periodMs;
    let bucket = this.#buckets.get(take.key);
    if (!bucket) {
      bucket = { scaled: full, at: now };
      this.#buckets.set(take.key, bucket);
    } else if (now > bucket.at) {
      bucket.scaled = Math.min(full, bucket.scaled + (now - bucket.at) * take.capacity);
      bucket.at = now;
    }
    return bucket;
  }

  #liveLeases(key: string, now: number): Map<string, number> {
    let held = this.#leases.get(key);
    if (!held) {
      held = new Map();
      this.#leases.set(key, held);
    }
    for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
    return held;
  }

  #liveRecord(key: string, now: number) {
    const record = this.#records.get(key);
    if (record && record.expiresAt <= now) {
      this.#records.delete(key);
      return undefined;
    }
    return record;
  }
}

/** Rejects a bucket that could never be computed with (a bug in the caller, not a limit). */
export function checkTake(take: BucketTake, signedCost = false): void {
  const { capacity, periodMs, cost } = take;
  if (!(capacity > 0) || !Number.isFinite(capacity))
    throw new InvalidRequestError(
      `shared state: bucket ${take.key} needs a positive capacity, got ${capacity}`,
    );
  if (!(periodMs > 0) || !Number.isFinite(periodMs))
    throw new InvalidRequestError(
      `shared state: bucket ${take.key} needs a positive periodMs, got ${periodMs}`,
    );
  if (!Number.isFinite(cost) || (!signedCost && cost < 0))
    throw new InvalidRequestError(`shared state: bucket ${take.key} got a cost of ${cost}`);
}

export function checkCounter(add: CounterAdd): void {
  if (!(add.windowMs >= 0) || !Number.isFinite(add.windowMs))
    throw new InvalidRequestError(
      `shared state: counter ${add.key} needs windowMs >= 0, got ${add.windowMs}`,
    );
  if (!Number.isFinite(add.delta))
    throw new InvalidRequestError(`shared state: counter ${add.key} got a delta of ${add.delta}`);
}

export function checkLease(max: number, leaseMs: number): void {
  if (!Number.isInteger(max) || max < 1)
    throw new InvalidRequestError(`shared state: a semaphore needs a positive integer max, got ${max}`);
  if (!(leaseMs > 0) || !Number.isFinite(leaseMs))
    throw new InvalidRequestError(`shared state: leaseMs must be positive, got ${leaseMs}`);
}
