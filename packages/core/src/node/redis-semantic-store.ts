import {
  dotRow,
  type SemanticEntry,
  type SemanticMatch,
  type SemanticStore,
} from "../cache/semantic-store.js";
import type { StoreCallOptions } from "../cache/store-call.js";
import { InvalidRequestError } from "../errors.js";
import type { RedisStoreOptions } from "./redis-cache-store.js";
import type { RedisClientLike } from "./redis-client.js";
import { escapeGlob, redisCommand, unlinkMatching } from "./redis-keys.js";

/** Bytes before the vector in an index value: the entry's expiry time as a float64. */
const HEADER = 8;

/**
 * Semantic cache store on plain Redis (no search module needed). Each scope is one hash,
 * `<prefix>s:<scope>:v`, mapping entry id to [expiry f64][vector f32...]; each answer is a JSON
 * string `<prefix>s:<scope>:e:<id>` with a PX expiry. A search reads the scope's vectors and
 * scans them in process, so its cost grows with the entries in that one scope (thousands are
 * fine); other scopes are never read. Expired vectors are swept during searches. While the
 * client is disconnected, operations fail at once instead of queueing, and they give up when the
 * cache's signal fires, so a Redis outage costs a call at most the cache's store budget.
 */
export class RedisSemanticStore implements SemanticStore {
  readonly #client: RedisClientLike;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions) {
    this.#client = options.client;
    this.#prefix = `${options.prefix ?? "keel:"}s:`;
  }

  #index(scope: string) {
    return `${this.#prefix}${scope}:v`;
  }

  #entry(scope: string, id: string) {
    return `${this.#prefix}${scope}:e:${id}`;
  }

  async search(
    scope: string,
    vector: Float32Array,
    minSimilarity: number,
    options?: StoreCallOptions,
  ): Promise<SemanticMatch | undefined> {
    const signal = options?.signal;
    const index = this.#index(scope);
    const rows = await redisCommand(this.#client, signal, () => this.#client.hgetallBuffer(index));
    const ids = Object.keys(rows);
    if (ids.length === 0) return undefined;
    const dims = vector.length;
    const matrix = new Float32Array(ids.length * dims);
    const bytes = new Uint8Array(matrix.buffer);
    const now = Date.now();
    const live: string[] = [];
    const expired: string[] = [];
    for (const id of ids) {
      const value = rows[id]!;
      if (value.length !== HEADER + dims * 4)
        throw new InvalidRequestError(
          `semantic store: entry ${id} has ${(value.length - HEADER) / 4} dimensions, the query has ${dims}`,
        );
      if (value.readDoubleLE(0) <= now) {
        expired.push(id);
        continue;
      }
      // Copy into an aligned matrix: Buffers from the client may start at any byte offset.
      bytes.set(value.subarray(HEADER), live.length * dims * 4);
      live.push(id);
    }
    if (expired.length) await redisCommand(this.#client, signal, () => this.#client.hdel(index, ...expired));
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < live.length; i++) {
      const score = dotRow(matrix, i, vector);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0 || bestScore < minSimilarity) return undefined;
    const id = live[best]!;
    const text = await redisCommand(this.#client, signal, () => this.#client.get(this.#entry(scope, id)));
    if (text === null) {
      // The answer expired between writes; drop its vector too.
      await redisCommand(this.#client, signal, () => this.#client.hdel(index, id));
      return undefined;
    }
    return { entry: JSON.parse(text) as SemanticEntry, similarity: bestScore };
  }

  async add(
    scope: string,
    vector: Float32Array,
    entry: SemanticEntry,
    ttlMs?: number,
    options?: StoreCallOptions,
  ): Promise<void> {
    const ttl = ttlMs ? Math.max(1, Math.round(ttlMs)) : undefined;
    const value = Buffer.alloc(HEADER + vector.length * 4);
    value.writeDoubleLE(ttl ? entry.storedAt + ttl : Number.POSITIVE_INFINITY, 0);
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(value, HEADER);
    const index = this.#index(scope);
    await redisCommand(this.#client, options?.signal, () => {
      const tx = this.#client.multi().hset(index, entry.id, value);
      if (ttl) {
        tx.set(this.#entry(scope, entry.id), JSON.stringify(entry), "PX", ttl);
        // The index lives as long as its longest-lived entry, so abandoned scopes disappear.
        tx.pexpire(index, ttl, "NX").pexpire(index, ttl, "GT");
      } else tx.set(this.#entry(scope, entry.id), JSON.stringify(entry)).persist(index);
      return tx.exec();
    });
  }

  async delete(scope: string, id: string): Promise<boolean> {
    const [[, removed] = []] =
      (await this.#client.multi().hdel(this.#index(scope), id).del(this.#entry(scope, id)).exec()) ?? [];
    return removed === 1;
  }

  async deleteScope(scope: string): Promise<void> {
    await this.#client.unlink(this.#index(scope));
    await unlinkMatching(this.#client, `${escapeGlob(`${this.#prefix}${scope}:e:`)}*`);
  }

  async clear(): Promise<void> {
    await unlinkMatching(this.#client, `${escapeGlob(this.#prefix)}*`);
  }
}
