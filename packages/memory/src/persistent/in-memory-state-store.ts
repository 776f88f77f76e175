import { VersionConflictError } from "../errors.js";
import { checkKey, resolveScope, type Scope, scopeId } from "../scope.js";
import {
  checkLimit,
  checkMaxBytes,
  checkSeq,
  checkWriteOptions,
  encodeEvents,
  encodeValue,
} from "./encode.js";
import type {
  AppendOptions,
  ListOptions,
  NewEvent,
  ReadOptions,
  StateStore,
  StoredEvent,
  StoredValue,
  WriteOptions,
} from "./state-store.js";

interface Entry {
  json: string;
  version: number;
  updatedAt: number;
}

interface ScopeData {
  values: Map<string, Entry>;
  streams: Map<string, Array<{ type: string; json: string; at: number }>>;
}

/** Options of `InMemoryStateStore`. */
export interface InMemoryStateStoreOptions {
  /** Largest value (or event batch) as UTF-8 JSON. Default 1 MiB. */
  maxValueBytes?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * A `StateStore` in this process's memory: for tests, single-process agents and edge functions.
 * Values are kept as JSON text, so what you read back is a copy, as with the durable stores.
 */
export class InMemoryStateStore implements StateStore {
  readonly #scopes = new Map<string, ScopeData>();
  readonly #maxBytes: number;
  readonly #now: () => number;

  constructor(options: InMemoryStateStoreOptions = {}) {
    this.#maxBytes = checkMaxBytes(options.maxValueBytes);
    this.#now = options.now ?? Date.now;
  }

  async get<T>(scope: Scope, key: string): Promise<StoredValue<T> | undefined> {
    checkKey(key);
    const entry = this.#data(scope, false)?.values.get(key);
    return entry && toValue<T>(key, entry);
  }

  async put<T>(scope: Scope, key: string, value: T, options?: WriteOptions): Promise<StoredValue<T>> {
    checkKey(key);
    const expected = checkWriteOptions(options);
    const json = encodeValue(value, this.#maxBytes);
    const data = this.#data(scope, true)!;
    const current = data.values.get(key);
    if (expected !== undefined && (current?.version ?? 0) !== expected)
      throw new VersionConflictError(`put "${key}"`, expected, current?.version ?? 0);
    const entry = { json, version: (current?.version ?? 0) + 1, updatedAt: this.#now() };
    data.values.set(key, entry);
    return toValue<T>(key, entry);
  }

  async delete(scope: Scope, key: string, options?: WriteOptions): Promise<boolean> {
    checkKey(key);
    const expected = checkWriteOptions(options);
    const data = this.#data(scope, false);
    const current = data?.values.get(key);
    if (expected !== undefined && (current?.version ?? 0) !== expected)
      throw new VersionConflictError(`delete "${key}"`, expected, current?.version ?? 0);
    return data?.values.delete(key) ?? false;
  }

  async list<T>(scope: Scope, options?: ListOptions): Promise<StoredValue<T>[]> {
    const limit = checkLimit(options);
    const prefix = options?.prefix ?? "";
    const data = this.#data(scope, false);
    if (!data) return [];
    const keys = [...data.values.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
    return keys.slice(0, limit).map((k) => toValue<T>(k, data.values.get(k)!));
  }

  async append<T>(
    scope: Scope,
    stream: string,
    events: NewEvent<T>[],
    options?: AppendOptions,
  ): Promise<StoredEvent<T>[]> {
    checkKey(stream, "stream");
    const expected = checkSeq(options?.expectedSeq, "expectedSeq");
    const encoded = encodeEvents(events, this.#maxBytes);
    const data = this.#data(scope, true)!;
    const log = data.streams.get(stream) ?? [];
    if (expected !== undefined && log.length !== expected)
      throw new VersionConflictError(`append to "${stream}"`, expected, log.length);
    const at = this.#now();
    const first = log.length + 1;
    for (const e of encoded) log.push({ type: e.type, json: e.data, at });
    data.streams.set(stream, log);
    return encoded.map((e, i) => ({
      stream,
      seq: first + i,
      type: e.type,
      data: JSON.parse(e.data) as T,
      at,
    }));
  }

  async read<T>(scope: Scope, stream: string, options?: ReadOptions): Promise<StoredEvent<T>[]> {
    checkKey(stream, "stream");
    const after = checkSeq(options?.after, "after") ?? 0;
    const limit = checkLimit(options);
    const log = this.#data(scope, false)?.streams.get(stream) ?? [];
    return log
      .slice(after, limit === undefined ? undefined : after + limit)
      .map((e, i) => ({ stream, seq: after + i + 1, type: e.type, data: JSON.parse(e.json) as T, at: e.at }));
  }

  async forget(scope: Scope): Promise<void> {
    this.#scopes.delete(scopeId(resolveScope(scope)));
  }

  async close(): Promise<void> {}

  #data(scope: Scope, create: boolean): ScopeData | undefined {
    const id = scopeId(resolveScope(scope));
    let data = this.#scopes.get(id);
    if (!data && create) {
      data = { values: new Map(), streams: new Map() };
      this.#scopes.set(id, data);
    }
    return data;
  }
}

function toValue<T>(key: string, entry: Entry): StoredValue<T> {
  return { key, value: JSON.parse(entry.json) as T, version: entry.version, updatedAt: entry.updatedAt };
}

/** Key order of every store: by Unicode code point, which is UTF-8 byte order (SQLite, PostgreSQL with C collation, Redis). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
