import type { CacheEntry, CacheStore } from "../cache/cache-store.js";
import type { StoreCallOptions } from "../cache/store-call.js";
import type { RedisClientLike } from "./redis-client.js";
import { escapeGlob, redisCommand, unlinkMatching } from "./redis-keys.js";

export interface RedisStoreOptions {
  /** A connected ioredis client (or any client with the commands `RedisClientLike` lists); the store never closes it. */
  client: RedisClientLike;
  /** Prepended to every key, to share a Redis with other data (default "keel:"). */
  prefix?: string;
}

/**
 * Exact-match cache store on Redis, shared by every instance of a service. Entries are JSON
 * strings under `<prefix>c:<key>` with a PX expiry, so Redis itself enforces the TTL. While the
 * client is disconnected, reads and writes fail at once instead of queueing, and they give up
 * when the cache's signal fires, so a Redis outage costs a call at most the cache's store budget.
 */
export class RedisCacheStore implements CacheStore {
  readonly #client: RedisClientLike;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    this.#client = options.client;
    this.#prefix = `${options.prefix ?? "keel:"}c:`;
  }

  async get(key: string, options?: StoreCallOptions): Promise<CacheEntry | undefined> {
    const text = await redisCommand(this.#client, options?.signal, () =>
      this.#client.get(this.#prefix + key),
    );
    return text === null ? undefined : (JSON.parse(text) as CacheEntry);
  }

  async set(key: string, entry: CacheEntry, ttlMs?: number, options?: StoreCallOptions): Promise<void> {
    const text = JSON.stringify(entry);
    await redisCommand(this.#client, options?.signal, () =>
      ttlMs
        ? this.#client.set(this.#prefix + key, text, "PX", Math.max(1, Math.round(ttlMs)))
        : this.#client.set(this.#prefix + key, text),
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#client.del(this.#prefix + key)) > 0;
  }

  async clear(prefix = ""): Promise<void> {
    await unlinkMatching(this.#client, `${escapeGlob(this.#prefix + prefix)}*`);
  }
}
