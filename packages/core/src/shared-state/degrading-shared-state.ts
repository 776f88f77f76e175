import { InvalidRequestError, isKeelError, type KeelError, NetworkError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import "./shared-state-events.js";
import { memorySharedState } from "./memory-shared-state.js";
import type {
  BucketTake,
  CounterAdd,
  CounterResult,
  LeaseResult,
  SharedState,
  TakeResult,
  VersionedRecord,
} from "./shared-state.js";

export interface DegradingOptions {
  /**
   * The part of each limit this replica keeps in local mode: bucket capacities, counter limits
   * and semaphore sizes are multiplied by it (a semaphore keeps at least 1). With N replicas,
   * 1/N keeps the fleet within the shared limits during an outage. Default 1 (each replica
   * alone keeps the full limit: never unlimited, but up to N times the quota while degraded).
   */
  localShare?: number;
  /** While degraded, how often the shared store is tried again, in ms. Default 1000. */
  retryMs?: number;
  /** Where `shared-state.degraded` / `shared-state.recovered` go. Default: the global hub. */
  events?: EventHub;
  /** The local store. Default: a fresh `memorySharedState()`. */
  local?: SharedState;
  /** The clock for the retry schedule. Default `Date.now`. */
  now?: () => number;
}

/**
 * Runs every operation on `shared`; when it fails, switches to a local in-process store (the
 * documented local mode: limits still hold, per replica, scaled by `localShare`), emits
 * `shared-state.degraded` once, tries the shared store again every `retryMs`, and switches back
 * with `shared-state.recovered` when it answers. Never throws a store failure at a caller.
 *
 * A lease or a window counted in one mode stays there: a lease taken locally is released
 * locally, and a lease taken on the shared store during an outage simply expires there.
 */
export function degradingSharedState(shared: SharedState, options: DegradingOptions = {}): SharedState {
  return new DegradingSharedState(shared, options);
}

class DegradingSharedState implements SharedState {
  readonly name: string;
  readonly #shared: SharedState;
  readonly #local: SharedState;
  readonly #share: number;
  readonly #retryMs: number;
  readonly #hub: EventHub;
  readonly #now: () => number;
  readonly #localLeases = new Set<string>();
  #degradedAt: number | undefined;
  #retryAt = 0;

  constructor(shared: SharedState, options: DegradingOptions) {
    const share = options.localShare ?? 1;
    if (!(share > 0 && share <= 1))
      throw new InvalidRequestError(`shared state: localShare must be in (0, 1], got ${share}`);
    this.name = shared.name;
    this.#shared = shared;
    this.#local = options.local ?? memorySharedState();
    this.#share = share;
    this.#retryMs = options.retryMs ?? 1000;
    this.#hub = options.events ?? globalEvents;
    this.#now = options.now ?? Date.now;
  }

  /** True while operations run on the local store. */
  get degraded(): boolean {
    return this.#degradedAt !== undefined;
  }

  takeTokens(takes: readonly BucketTake[]): Promise<TakeResult> {
    return this.#run(
      "takeTokens",
      (s) => s.takeTokens(takes),
      (l) => l.takeTokens(takes.map((t) => this.#scaled(t))),
    );
  }

  adjustTokens(take: BucketTake): Promise<void> {
    return this.#run(
      "adjustTokens",
      (s) => s.adjustTokens(take),
      (l) => l.adjustTokens(this.#scaled(take)),
    );
  }

  addToCounter(add: CounterAdd): Promise<CounterResult> {
    const local = add.limit === undefined ? add : { ...add, limit: add.limit * this.#share };
    return this.#run(
      "addToCounter",
      (s) => s.addToCounter(add),
      (l) => l.addToCounter(local),
    );
  }

  acquireLease(key: string, max: number, leaseMs: number): Promise<LeaseResult> {
    return this.#run(
      "acquireLease",
      (s) => s.acquireLease(key, max, leaseMs),
      async (l) => {
        const result = await l.acquireLease(key, Math.max(1, Math.floor(max * this.#share)), leaseMs);
        if (result.ok) this.#localLeases.add(result.id);
        return result;
      },
    );
  }

  async renewLease(key: string, id: string, leaseMs: number): Promise<boolean> {
    if (this.#localLeases.has(id)) return this.#local.renewLease(key, id, leaseMs);
    // A shared lease the store cannot renew now is as good as lost: say so.
    return this.#run(
      "renewLease",
      (s) => s.renewLease(key, id, leaseMs),
      async () => false,
    );
  }

  async releaseLease(key: string, id: string): Promise<void> {
    if (this.#localLeases.delete(id)) return this.#local.releaseLease(key, id);
    // Unreachable now: the lease expires in the store by itself.
    return this.#run(
      "releaseLease",
      (s) => s.releaseLease(key, id),
      async () => {},
    );
  }

  readRecord(key: string): Promise<VersionedRecord> {
    return this.#run(
      "readRecord",
      (s) => s.readRecord(key),
      (l) => l.readRecord(key),
    );
  }

  writeRecord(key: string, expectedVersion: number, value: string, ttlMs?: number): Promise<boolean> {
    return this.#run(
      "writeRecord",
      (s) => s.writeRecord(key, expectedVersion, value, ttlMs),
      (l) => l.writeRecord(key, expectedVersion, value, ttlMs),
    );
  }

  #scaled(take: BucketTake): BucketTake {
    return this.#share === 1 ? take : { ...take, capacity: take.capacity * this.#share };
  }

  async #run<T>(
    operation: string,
    onShared: (store: SharedState) => Promise<T>,
    onLocal: (store: SharedState) => Promise<T>,
  ): Promise<T> {
    if (this.#degradedAt !== undefined && this.#now() < this.#retryAt) return onLocal(this.#local);
    let result: T;
    try {
      result = await onShared(this.#shared);
    } catch (error) {
      // A caller's own mistake is not an outage.
      if (isKeelError(error) && error.code === "invalid-request") throw error;
      this.#degrade(operation, error);
      return onLocal(this.#local);
    }
    if (this.#degradedAt !== undefined) {
      const degradedMs = this.#now() - this.#degradedAt;
      this.#degradedAt = undefined;
      this.#hub.emit("shared-state.recovered", { store: this.name, degradedMs });
    }
    return result;
  }

  #degrade(operation: string, thrown: unknown): void {
    const now = this.#now();
    this.#retryAt = now + this.#retryMs;
    if (this.#degradedAt !== undefined) return;
    this.#degradedAt = now;
    const error: KeelError = isKeelError(thrown)
      ? thrown
      : new NetworkError(`shared state ${this.name}: ${String((thrown as Error)?.message ?? thrown)}`, {
          cause: thrown,
          provider: this.name,
        });
    this.#hub.emit("shared-state.degraded", { store: this.name, operation, error, localShare: this.#share });
  }
}
