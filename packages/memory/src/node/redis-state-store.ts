import { VersionConflictError } from "../errors.js";
import {
  checkLimit,
  checkMaxBytes,
  checkSeq,
  checkWriteOptions,
  encodeEvents,
  encodeValue,
} from "../persistent/encode.js";
import { compareKeys } from "../persistent/in-memory-state-store.js";
import type {
  AppendOptions,
  ListOptions,
  NewEvent,
  ReadOptions,
  StateStore,
  StoredEvent,
  StoredValue,
  WriteOptions,
} from "../persistent/state-store.js";
import { checkKey, resolveScope, type Scope } from "../scope.js";
import { RedisConnection, type RedisConnectionOptions, scopeTag } from "./redis-connection.js";

/** Options of `RedisStateStore`. */
export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Default `keel:memory:`. */
  keyPrefix?: string;
  /** Largest value (or event batch) as UTF-8 JSON. Default 1 MiB. */
  maxValueBytes?: number;
  now?: () => number;
}

// Each script checks the version and writes in one atomic step on the server.
// An entry is the JSON array [version, updatedAt, value].
const PUT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local v = 0
if cur then v = tonumber(string.match(cur, '^%[(%d+),')) end
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= v then return {0, v} end
redis.call('HSET', KEYS[1], ARGV[1], '[' .. (v + 1) .. ',' .. ARGV[3] .. ',' .. ARGV[4] .. ']')
redis.call('SADD', KEYS[2], KEYS[1])
return {1, v + 1}`;

const DELETE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local v = 0
if cur then v = tonumber(string.match(cur, '^%[(%d+),')) end
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= v then return {0, v} end
return {1, redis.call('HDEL', KEYS[1], ARGV[1])}`;

const APPEND = `
local len = redis.call('LLEN', KEYS[1])
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= len then return {0, len} end
for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('SADD', KEYS[2], KEYS[1])
return {1, len + 1}`;

// KEYS[1] is the scope's index of keys it wrote (all in one hash slot).
const FORGET = `
local keys = redis.call('SMEMBERS', KEYS[1])
for _, k in ipairs(keys) do redis.call('DEL', k) end
redis.call('DEL', KEYS[1])
return #keys`;

/**
 * A `StateStore` in Redis (`ioredis`). Conditional writes and appends are Lua scripts, so the
 * version check and the write are one atomic step. Durability is the server's: an acknowledged
 * write survives a crash of the writing process, and survives a Redis restart only with AOF
 * (`appendonly yes`, `appendfsync always` for every write).
 */
export class RedisStateStore implements StateStore {
  readonly #redis: RedisConnection;
  readonly #maxBytes: number;
  readonly #now: () => number;

  constructor(options: RedisStateStoreOptions) {
    this.#redis = new RedisConnection(options, "keel:memory:");
    this.#maxBytes = checkMaxBytes(options.maxValueBytes);
    this.#now = options.now ?? Date.now;
  }

  async get<T>(scope: Scope, key: string): Promise<StoredValue<T> | undefined> {
    const keys = this.#keys(scope);
    checkKey(key);
    const raw = await this.#redis.run((r) => r.hget(keys.kv, key));
    return raw === null ? undefined : toValue<T>(key, raw);
  }

  async put<T>(scope: Scope, key: string, value: T, options?: WriteOptions): Promise<StoredValue<T>> {
    const keys = this.#keys(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    const json = encodeValue(value, this.#maxBytes);
    const at = this.#now();
    const [ok, version] = (await this.#redis.run((r) =>
      r.eval(PUT, 2, keys.kv, keys.index, key, expected ?? "", at, json),
    )) as [number, number];
    if (!ok) throw new VersionConflictError(`put "${key}"`, expected!, version);
    return { key, value: JSON.parse(json) as T, version, updatedAt: at };
  }

  async delete(scope: Scope, key: string, options?: WriteOptions): Promise<boolean> {
    const keys = this.#keys(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    const [ok, n] = (await this.#redis.run((r) => r.eval(DELETE, 1, keys.kv, key, expected ?? ""))) as [
      number,
      number,
    ];
    if (!ok) throw new VersionConflictError(`delete "${key}"`, expected!, n);
    return n > 0;
  }

  async list<T>(scope: Scope, options?: ListOptions): Promise<StoredValue<T>[]> {
    const keys = this.#keys(scope);
    const limit = checkLimit(options);
    const prefix = options?.prefix ?? "";
    const all = await this.#redis.run((r) => r.hgetall(keys.kv));
    return Object.keys(all)
      .filter((k) => k.startsWith(prefix))
      .sort(compareKeys)
      .slice(0, limit)
      .map((k) => toValue<T>(k, all[k]!));
  }

  async append<T>(
    scope: Scope,
    stream: string,
    events: NewEvent<T>[],
    options?: AppendOptions,
  ): Promise<StoredEvent<T>[]> {
    const keys = this.#keys(scope);
    checkKey(stream, "stream");
    const expected = checkSeq(options?.expectedSeq, "expectedSeq");
    const encoded = encodeEvents(events, this.#maxBytes);
    const at = this.#now();
    const log = keys.log(stream);
    const entries = encoded.map((e) => `[${JSON.stringify(e.type)},${at},${e.data}]`);
    const [ok, first] = (await this.#redis.run((r) =>
      r.eval(APPEND, 2, log, keys.index, expected ?? "", ...entries),
    )) as [number, number];
    if (!ok) throw new VersionConflictError(`append to "${stream}"`, expected!, first);
    return encoded.map((e, i) => ({
      stream,
      seq: first + i,
      type: e.type,
      data: JSON.parse(e.data) as T,
      at,
    }));
  }

  async read<T>(scope: Scope, stream: string, options?: ReadOptions): Promise<StoredEvent<T>[]> {
    const keys = this.#keys(scope);
    checkKey(stream, "stream");
    const after = checkSeq(options?.after, "after") ?? 0;
    const limit = checkLimit(options);
    if (limit === 0) return [];
    const stop = limit === undefined ? -1 : after + limit - 1;
    const raw = await this.#redis.run((r) => r.lrange(keys.log(stream), after, stop));
    return raw.map((entry, i) => {
      const [type, at, data] = JSON.parse(entry) as [string, number, T];
      return { stream, seq: after + i + 1, type, data, at };
    });
  }

  async forget(scope: Scope): Promise<void> {
    const keys = this.#keys(scope);
    await this.#redis.run((r) => r.eval(FORGET, 1, keys.index));
  }

  /** Quits the client if this store opened it. */
  async close(): Promise<void> {
    await this.#redis.close();
  }

  #keys(scope: Scope) {
    const { tenant, user } = resolveScope(scope);
    const base = `${this.#redis.prefix}${scopeTag(tenant, user)}`;
    return {
      kv: `${base}:kv`,
      index: `${base}:keys`,
      log: (stream: string) => `${base}:log:${encodeURIComponent(stream)}`,
    };
  }
}

function toValue<T>(key: string, raw: string): StoredValue<T> {
  const [version, updatedAt, value] = JSON.parse(raw) as [number, number, T];
  return { key, value, version, updatedAt };
}
