/**
 * The state that limits, budgets and breakers keep, written so that many replicas of one service
 * can share it. Every operation is atomic in the store and reads the store's clock, so replicas
 * whose clocks disagree still agree on when a bucket refills, a window ends or a lease expires.
 * `memorySharedState()` keeps it in this process; `redisSharedState()` (`@keel/core/node`) keeps
 * it in Redis.
 */
export interface SharedState {
  /** A name for telemetry ("memory", "redis"). */
  readonly name: string;
  /**
   * Takes each bucket's `cost` at once, or nothing: all buckets hold their cost, or none is
   * touched and the result says how long until they would (for the bucket that holds it up longest).
   */
  takeTokens(takes: readonly BucketTake[]): Promise<TakeResult>;
  /** Charges (`cost` > 0) or refunds (`cost` < 0, up to capacity) one bucket without a check. */
  adjustTokens(take: BucketTake): Promise<void>;
  /**
   * Adds `delta` to the counter of the current window (windows are aligned to the store clock;
   * `windowMs` 0 means one window that never ends). With `limit`, a positive `delta` that would
   * take the total past it is refused and nothing changes. With `window`, the amount belongs to
   * that window: once it has ended the add does nothing.
   */
  addToCounter(add: CounterAdd): Promise<CounterResult>;
  /**
   * Takes one of `max` leases on `key` for `leaseMs`, or says when the earliest one expires. A
   * lease that is neither renewed nor released expires by itself, so a dead holder frees it.
   */
  acquireLease(key: string, max: number, leaseMs: number): Promise<LeaseResult>;
  /** Extends a lease by `leaseMs` from now; false when it has already expired or was released. */
  renewLease(key: string, id: string, leaseMs: number): Promise<boolean>;
  /** Gives a lease back (nothing happens for one that expired). */
  releaseLease(key: string, id: string): Promise<void>;
  /** A versioned record: its value (undefined when absent), version (0 when absent) and the store clock. */
  readRecord(key: string): Promise<VersionedRecord>;
  /**
   * Replaces a record if its version is still `expectedVersion` (compare and set); the version
   * then goes up by one. `ttlMs` > 0 lets the record expire that long after the write.
   */
  writeRecord(key: string, expectedVersion: number, value: string, ttlMs?: number): Promise<boolean>;
}

/** One token bucket of a take: `capacity` tokens refilled evenly over `periodMs`, starting full. */
export interface BucketTake {
  key: string;
  capacity: number;
  periodMs: number;
  /** Tokens to take (or, for `adjustTokens`, to charge; negative refunds). */
  cost: number;
}

export interface TakeResult {
  ok: boolean;
  /** Milliseconds until every bucket would hold its cost (0 when taken). */
  waitMs: number;
  /** Index in the takes of the bucket that holds the call up longest (0 when taken). */
  blockedBy: number;
}

export interface CounterAdd {
  key: string;
  /** Window length; 0 for a counter that never resets. */
  windowMs: number;
  delta: number;
  limit?: number;
  /** The window the amount belongs to, as a previous result returned it. */
  window?: number;
}

export interface CounterResult {
  /** False when `limit` refused the add. */
  ok: boolean;
  /** The window's total after the add (or as it stands, when refused). */
  total: number;
  /** The current window's number (store time ÷ `windowMs`, rounded down; 0 for no window). */
  window: number;
}

export type LeaseResult =
  | { ok: true; id: string; expiresAt: number }
  | { ok: false; held: number; retryInMs: number };

export interface VersionedRecord {
  value: string | undefined;
  version: number;
  /** The store clock when it was read, in ms. */
  now: number;
}
