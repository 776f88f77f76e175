import type { ModelResponse } from "../model.js";
import { LruMap } from "./lru-map.js";
import type { StoreCallOptions } from "./store-call.js";

/** A response as a cache keeps it: without the raw provider payload and the original timings. */
export type CachedResponse = Omit<ModelResponse, "raw" | "timings" | "cached">;

/** One stored answer. */
export interface CacheEntry {
  response: CachedResponse;
  /** When it was stored (ms since epoch). */
  storedAt: number;
}

/**
 * Where an exact-match cache keeps its entries. Implementations must honour `ttlMs` and must
 * never return an entry for a key other than the one it was stored under. A remote store should
 * give up when `options.signal` fires (the cache has already stepped aside by then).
 */
export interface CacheStore {
  get(key: string, options?: StoreCallOptions): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, ttlMs?: number, options?: StoreCallOptions): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Removes every entry, or those whose key starts with `prefix` (a tenant's: see `tenantKeyPrefix`). */
  clear(prefix?: string): Promise<void>;
}

/** An in-process LRU store bounded by entry count, with a fixed per-entry TTL. */
export class MemoryCacheStore implements CacheStore {
  #lru: LruMap<string, CacheEntry>;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.#lru = new LruMap<string, CacheEntry>({
      maxEntries: options.maxEntries ?? 10_000,
      ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
    });
  }

  get size(): number {
    return this.#lru.size;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    return this.#lru.get(key);
  }

  async set(key: string, entry: CacheEntry, ttlMs?: number): Promise<void> {
    this.#lru.set(key, entry, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    return this.#lru.delete(key);
  }

  async clear(prefix?: string): Promise<void> {
    if (prefix === undefined) return this.#lru.clear();
    for (const key of [...this.#lru.keys()]) if (key.startsWith(prefix)) this.#lru.delete(key);
  }
}
