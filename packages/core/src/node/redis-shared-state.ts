import { NetworkError } from "../errors.js";
import type { EventHub } from "../events.js";
import { degradingSharedState } from "../shared-state/degrading-shared-state.js";
import { checkCounter, checkLease, checkTake } from "../shared-state/memory-shared-state.js";
import type {
  BucketTake,
  CounterAdd,
  CounterResult,
  LeaseResult,
  SharedState,
  TakeResult,
  VersionedRecord,
} from "../shared-state/shared-state.js";
import type { RedisClientLike } from "./redis-client.js";
import {
  ACQUIRE_LEASE,
  ADD_TO_COUNTER,
  ADJUST_TOKENS,
  READ_RECORD,
  RENEW_LEASE,
  TAKE_TOKENS,
  WRITE_RECORD,
} from "./redis-shared-scripts.js";

export interface RedisSharedStateOptions {
  /** A connected ioredis client (or any client with the commands `RedisClientLike` lists); the store never closes it. */
  client: RedisClientLike;
  /** Prepended to every key, to share a Redis with other data (default "keel:"). */
  prefix?: string;
  /**
   * Longest one Redis operation may take before the store counts Redis as down, in ms. Default
   * 250. While the client makes its first connection, operations may take up to 2 000 ms.
   */
  timeoutMs?: number;
  /**
   * What happens while Redis is down or slow: `"local"` (default) keeps limits in this process,
   * scaled by `localShare`, with a `shared-state.degraded` event, and returns to Redis by itself;
   * `"throw"` fails each call's limit check with a `NetworkError` instead.
   */
  onUnavailable?: "local" | "throw";
  /** The part of each limit one replica keeps in local mode (1/replicas keeps the fleet within it). Default 1. */
  localShare?: number;
  /** While degraded, how often Redis is tried again, in ms. Default 1000. */
  retryMs?: number;
  /** Where `shared-state.degraded` / `shared-state.recovered` go. Default: the global hub. */
  events?: EventHub;
}

type Reply = unknown;
type ScriptClient = RedisClientLike &
  Record<(typeof COMMANDS)[number], (...args: Array<string | number>) => Promise<Reply>>;

const SCRIPTS = {
  keelTakeTokens: TAKE_TOKENS,
  keelAdjustTokens: ADJUST_TOKENS,
  keelAddToCounter: ADD_TO_COUNTER,
  keelAcquireLease: ACQUIRE_LEASE,
  keelRenewLease: RENEW_LEASE,
  keelReadRecord: READ_RECORD,
  keelWriteRecord: WRITE_RECORD,
} as const;
const COMMANDS = Object.keys(SCRIPTS) as Array<keyof typeof SCRIPTS>;

/**
 * Shared state in Redis, for limits, budgets and breakers that every replica of a service
 * shares: each operation is one Lua script (one round trip, atomic, on Redis's clock). By
 * default a Redis outage switches this replica to local mode (see `onUnavailable`).
 */
export function redisSharedState(options: RedisSharedStateOptions): SharedState {
  const store = new RedisSharedState(options);
  if (options.onUnavailable === "throw") return store;
  return degradingSharedState(store, {
    ...(options.localShare !== undefined ? { localShare: options.localShare } : {}),
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    ...(options.events ? { events: options.events } : {}),
  });
}

class RedisSharedState implements SharedState {
  readonly name = "redis";
  readonly #client: ScriptClient;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(options: RedisSharedStateOptions) {
    const client = options.client as ScriptClient;
    for (const name of COMMANDS)
      if (typeof client[name] !== "function") client.defineCommand(name, { lua: SCRIPTS[name] });
    this.#client = client;
    this.#prefix = `${options.prefix ?? "keel:"}ss:`;
    this.#timeoutMs = options.timeoutMs ?? 250;
  }

  async takeTokens(takes: readonly BucketTake[]): Promise<TakeResult> {
    for (const take of takes) checkTake(take);
    const args: Array<string | number> = [takes.length];
    for (const take of takes) args.push(this.#key("b", take.key));
    for (const take of takes) args.push(take.capacity, take.periodMs, take.cost);
    const [ok, waitMs, blockedBy] = (await this.#call("keelTakeTokens", args)) as number[];
    return { ok: ok === 1, waitMs: Number(waitMs), blockedBy: Number(blockedBy) };
  }

  async adjustTokens(take: BucketTake): Promise<void> {
    checkTake(take, true);
    await this.#call("keelAdjustTokens", [
      1,
      this.#key("b", take.key),
      take.capacity,
      take.periodMs,
      take.cost,
    ]);
  }

  async addToCounter(add: CounterAdd): Promise<CounterResult> {
    checkCounter(add);
    const [ok, total, window] = (await this.#call("keelAddToCounter", [
      1,
      this.#key("n", add.key),
      add.windowMs,
      add.delta,
      add.limit ?? "",
      add.window ?? "",
    ])) as [number, string, number];
    return { ok: ok === 1, total: Number(total), window: Number(window) };
  }

  async acquireLease(key: string, max: number, leaseMs: number): Promise<LeaseResult> {
    checkLease(max, leaseMs);
    const id = crypto.randomUUID();
    const reply = (await this.#call("keelAcquireLease", [
      1,
      this.#key("l", key),
      max,
      leaseMs,
      id,
    ])) as number[];
    if (reply[0] === 1) return { ok: true, id, expiresAt: Number(reply[1]) };
    return { ok: false, held: Number(reply[1]), retryInMs: Number(reply[2]) };
  }

  async renewLease(key: string, id: string, leaseMs: number): Promise<boolean> {
    checkLease(1, leaseMs);
    return (await this.#call("keelRenewLease", [1, this.#key("l", key), leaseMs, id])) === 1;
  }

  async releaseLease(key: string, id: string): Promise<void> {
    await this.#guard("releaseLease", this.#client.zrem(this.#key("l", key), id));
  }

  async readRecord(key: string): Promise<VersionedRecord> {
    const [value, version, now] = (await this.#call("keelReadRecord", [1, this.#key("r", key)])) as [
      string | null,
      number,
      number,
    ];
    return { value: value ?? undefined, version: Number(version), now: Number(now) };
  }

  async writeRecord(key: string, expectedVersion: number, value: string, ttlMs = 0): Promise<boolean> {
    const reply = await this.#call("keelWriteRecord", [
      1,
      this.#key("r", key),
      expectedVersion,
      value,
      Math.max(0, Math.ceil(ttlMs)),
    ]);
    return reply === 1;
  }

  #key(kind: string, key: string): string {
    return `${this.#prefix}${kind}:${key}`;
  }

  #call(command: (typeof COMMANDS)[number], args: Array<string | number>): Promise<Reply> {
    // Lost the connection: fail now rather than wait in ioredis's offline queue. A client still
    // making its first connection gets the timeout to finish it.
    const status = this.#client.status;
    if (status === "reconnecting" || status === "close" || status === "end")
      return Promise.reject(
        new NetworkError(`redis shared state: the client is ${status}`, { provider: "redis" }),
      );
    // The first connection may take longer than one command (a cold start, a busy host).
    const limit = status === "ready" ? this.#timeoutMs : Math.max(this.#timeoutMs, 2_000);
    return this.#guard(command, this.#client[command](...args), limit);
  }

  #guard<T>(operation: string, pending: Promise<T>, limitMs = this.#timeoutMs): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NetworkError(`redis shared state: ${operation} took over ${limitMs} ms`, {
              provider: "redis",
            }),
          ),
        limitMs,
      );
    });
    pending.catch(() => {}); // a late failure after the timeout won must not go unhandled
    return Promise.race([pending, timeout])
      .catch((error: unknown) => {
        if (error instanceof NetworkError) throw error;
        throw new NetworkError(
          `redis shared state: ${operation} failed: ${(error as Error)?.message ?? error}`,
          {
            provider: "redis",
            cause: error,
          },
        );
      })
      .finally(() => clearTimeout(timer));
  }
}
