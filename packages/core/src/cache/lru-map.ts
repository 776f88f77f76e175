interface Slot<V> {
  value: V;
  size: number;
  expiresAt: number;
}

export interface LruMapOptions<K, V> {
  maxEntries: number;
  /** Bound on the sum of `sizeOf` over all entries; an entry larger than this is not kept. */
  maxSize?: number;
  sizeOf?: (value: V, key: K) => number;
  /** Default lifetime of an entry from when it is set (fixed: reading does not extend it). */
  ttlMs?: number;
}

/**
 * A least-recently-used map with fixed per-entry TTL and bounds on entries and total size.
 * A few dozen lines on `Map` (whose iteration order is insertion order) instead of the 19 KB
 * lru-cache build, so the edge bundle of the exact cache stays small.
 */
export class LruMap<K, V> {
  #map = new Map<K, Slot<V>>();
  #total = 0;

  constructor(private readonly options: LruMapOptions<K, V>) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const slot = this.#map.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    // Re-inserting moves the entry to the back: the front is always the least recently used.
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.value;
  }

  set(key: K, value: V, ttlMs: number | undefined = this.options.ttlMs): void {
    this.delete(key);
    const { maxEntries, maxSize } = this.options;
    const size = this.options.sizeOf?.(value, key) ?? 0;
    if (maxSize !== undefined && size > maxSize) return;
    this.#map.set(key, { value, size, expiresAt: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY });
    this.#total += size;
    for (const oldest of this.#map.keys()) {
      if (this.#map.size <= maxEntries && (maxSize === undefined || this.#total <= maxSize)) break;
      this.delete(oldest);
    }
  }

  delete(key: K): boolean {
    const slot = this.#map.get(key);
    if (!slot) return false;
    this.#map.delete(key);
    this.#total -= slot.size;
    return true;
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }

  clear(): void {
    this.#map.clear();
    this.#total = 0;
  }
}
