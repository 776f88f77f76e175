/**
 * vLLM's KV block pool with automatic prefix caching (docs/design/prefix_caching.md): a full
 * block gets a hash of its tokens and all before it; a freed block with no reader stays in the
 * cache (an LRU free queue) and is reused by a later request with the same prefix until it is
 * evicted by an allocation. Blocks without a hash are handed out before cached ones, so the
 * cache is evicted least recently used first. Cached free blocks count as free.
 */
export class KvBlockPool {
  readonly total: number;
  readonly #refs: Int32Array;
  readonly #hashOf: (number | undefined)[];
  /** Free blocks holding no cached prefix. */
  readonly #plain: number[] = [];
  /** Free blocks holding a cached prefix, least recently used first. */
  readonly #cached = new Map<number, true>();
  readonly #byHash = new Map<number, number>();

  constructor(total: number) {
    this.total = total;
    this.#refs = new Int32Array(total);
    this.#hashOf = new Array(total);
    for (let i = total - 1; i >= 0; i--) this.#plain.push(i);
  }

  /** Blocks an allocation may take now, cached-but-unused ones included. */
  get free(): number {
    return this.#plain.length + this.#cached.size;
  }

  /** `vllm:kv_cache_usage_perc`: the share of blocks in use (cached free blocks count as free). */
  get usage(): number {
    return 1 - this.free / this.total;
  }

  /** How many leading blocks of `hashes` are in the cache. */
  cachedPrefix(hashes: readonly number[]): number {
    let n = 0;
    while (n < hashes.length && this.#byHash.has(hashes[n]!)) n++;
    return n;
  }

  /** Takes the cached blocks of the first `count` hashes for a new reader; returns their ids. */
  acquireCached(hashes: readonly number[], count: number): number[] {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.#byHash.get(hashes[i]!)!;
      if (this.#refs[id] === 0) this.#cached.delete(id);
      this.#refs[id]!++;
      ids.push(id);
    }
    return ids;
  }

  /** A block for a new reader, evicting the least recently used cached prefix if needed; undefined when none is free. */
  allocate(): number | undefined {
    let id = this.#plain.pop();
    if (id === undefined) {
      const oldest = this.#cached.keys().next();
      if (oldest.done) return undefined;
      id = oldest.value;
      this.#cached.delete(id);
      this.#byHash.delete(this.#hashOf[id]!);
      this.#hashOf[id] = undefined;
    }
    this.#refs[id] = 1;
    return id;
  }

  /** Marks a full block as holding the prefix `hash` (kept if another block already holds it). */
  register(id: number, hash: number): void {
    if (this.#hashOf[id] !== undefined || this.#byHash.has(hash)) return;
    this.#hashOf[id] = hash;
    this.#byHash.set(hash, id);
  }

  /** Drops one reader of each block, last block first (so a sequence's tail is evicted first). */
  release(ids: readonly number[]): void {
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      if (--this.#refs[id]! > 0) continue;
      if (this.#hashOf[id] !== undefined) this.#cached.set(id, true);
      else this.#plain.push(id);
    }
  }
}
