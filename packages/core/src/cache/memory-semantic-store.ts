import { InvalidRequestError } from "../errors.js";
import { PackedQuantizedRows } from "./packed-quantized-rows.js";
import {
  dotRow,
  dotRowSparse,
  type SemanticEntry,
  type SemanticMatch,
  type SemanticStore,
  sparseQuery,
} from "./semantic-store.js";

/**
 * One scope's entries: vectors packed row by row in one Float32Array for a cache-friendly scan,
 * plus a quantized copy that bounds dense scores cheaply (scratch `upper`/`lower` hold a
 * search's bounds).
 */
class Partition {
  vectors: Float32Array;
  quantized: PackedQuantizedRows;
  upper: Float64Array;
  lower: Float64Array;
  entries: SemanticEntry[] = [];
  expiresAt: number[] = [];
  slots = new Map<string, number>();

  constructor(readonly dims: number) {
    this.vectors = new Float32Array(dims * 64);
    this.quantized = new PackedQuantizedRows(dims, 64);
    this.upper = new Float64Array(64);
    this.lower = new Float64Array(64);
  }

  get size(): number {
    return this.entries.length;
  }

  put(vector: Float32Array, entry: SemanticEntry, expiresAt: number): void {
    let slot = this.slots.get(entry.id);
    if (slot === undefined) {
      slot = this.entries.length;
      if ((slot + 1) * this.dims > this.vectors.length) {
        const grown = new Float32Array(this.vectors.length * 2);
        grown.set(this.vectors);
        this.vectors = grown;
        const capacity = grown.length / this.dims;
        this.quantized.grow(capacity);
        this.upper = new Float64Array(capacity);
        this.lower = new Float64Array(capacity);
      }
      this.slots.set(entry.id, slot);
    }
    this.vectors.set(vector, slot * this.dims);
    this.quantized.write(slot, vector);
    this.entries[slot] = entry;
    this.expiresAt[slot] = expiresAt;
  }

  /** Removes a slot by moving the last row into it. */
  remove(slot: number): void {
    const last = this.entries.length - 1;
    const removed = this.entries[slot]!;
    if (slot !== last) {
      this.vectors.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.quantized.write(slot, this.vectors.subarray(slot * this.dims, (slot + 1) * this.dims));
      this.entries[slot] = this.entries[last]!;
      this.expiresAt[slot] = this.expiresAt[last]!;
      this.slots.set(this.entries[slot]!.id, slot);
    }
    this.entries.pop();
    this.expiresAt.pop();
    this.slots.delete(removed.id);
  }

  oldestSlot(): number {
    let oldest = 0;
    for (let i = 1; i < this.entries.length; i++)
      if (this.entries[i]!.storedAt < this.entries[oldest]!.storedAt) oldest = i;
    return oldest;
  }
}

/**
 * Exact scan over every live row, noting expired ones: the sparse path, and the fallback for a
 * dense query that cannot be quantized.
 */
function fullScan(
  p: Partition,
  vector: Float32Array,
  sparse: ReturnType<typeof sparseQuery>,
  now: number,
  expired: number[],
): [number, number] {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0, size = p.size; i < size; i++) {
    if (p.expiresAt[i]! <= now) {
      expired.push(i);
      continue;
    }
    const score = sparse ? dotRowSparse(p.vectors, i, p.dims, sparse) : dotRow(p.vectors, i, vector);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return [best, bestScore];
}

/**
 * The same answer as `fullScan`, given bounds from `p.quantized.bound`: every row whose true
 * score is the best (and at least `minSimilarity`) has an upper bound >= both `minSimilarity`
 * and the largest live lower bound, so only rows with such an upper bound are rescored, in
 * slot order with the same strict `>` so ties resolve to the same row.
 */
function boundedScan(
  p: Partition,
  vector: Float32Array,
  minSimilarity: number,
  now: number,
  expired: number[],
): [number, number] {
  const { upper, lower } = p;
  let floor = minSimilarity;
  for (let i = 0, size = p.size; i < size; i++) {
    if (p.expiresAt[i]! <= now) {
      expired.push(i);
      // NaN compares false with every floor, so the rescoring pass skips the row.
      upper[i] = Number.NaN;
    } else if (lower[i]! > floor) floor = lower[i]!;
  }
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0, size = p.size; i < size; i++) {
    if (!(upper[i]! >= floor)) continue;
    const score = dotRow(p.vectors, i, vector);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return [best, bestScore];
}

/**
 * In-process semantic store: exact cosine search over unit vectors, one packed matrix per scope.
 * A sparse query, like the lexical embedder's, skips its zero coordinates; a dense one first
 * bounds every row's score from a quantized copy and rescores exactly only the rows that could
 * win, returning the same match as a full scan. Fast enough for tens of thousands of entries
 * per scope (see bench/cache).
 * When a scope is full, its oldest entry is evicted.
 */
export class MemorySemanticStore implements SemanticStore {
  #scopes = new Map<string, Partition>();
  #maxPerScope: number;

  constructor(options: { maxEntriesPerScope?: number } = {}) {
    this.#maxPerScope = options.maxEntriesPerScope ?? 50_000;
  }

  /** Live and expired-but-unswept entries in a scope. */
  size(scope: string): number {
    return this.#scopes.get(scope)?.size ?? 0;
  }

  async search(
    scope: string,
    vector: Float32Array,
    minSimilarity: number,
  ): Promise<SemanticMatch | undefined> {
    const p = this.#scopes.get(scope);
    if (!p) return undefined;
    this.#checkDims(p, vector);
    const now = Date.now();
    const sparse = sparseQuery(vector);
    const expired: number[] = [];
    const [best, bestScore] =
      !sparse && p.quantized.bound(vector, p.size, p.upper, p.lower)
        ? boundedScan(p, vector, minSimilarity, now, expired)
        : fullScan(p, vector, sparse, now, expired);
    const match =
      best >= 0 && bestScore >= minSimilarity
        ? { entry: p.entries[best]!, similarity: bestScore }
        : undefined;
    // Sweep from the end so swap-removal never moves a slot still waiting to be removed.
    for (let k = expired.length - 1; k >= 0; k--) p.remove(expired[k]!);
    return match;
  }

  async add(scope: string, vector: Float32Array, entry: SemanticEntry, ttlMs?: number): Promise<void> {
    let p = this.#scopes.get(scope);
    if (!p) {
      p = new Partition(vector.length);
      this.#scopes.set(scope, p);
    }
    this.#checkDims(p, vector);
    if (!p.slots.has(entry.id) && p.size >= this.#maxPerScope) p.remove(p.oldestSlot());
    p.put(vector, entry, ttlMs ? entry.storedAt + ttlMs : Number.POSITIVE_INFINITY);
  }

  async delete(scope: string, id: string): Promise<boolean> {
    const p = this.#scopes.get(scope);
    const slot = p?.slots.get(id);
    if (!p || slot === undefined) return false;
    p.remove(slot);
    return true;
  }

  async deleteScope(scope: string): Promise<void> {
    this.#scopes.delete(scope);
  }

  async clear(): Promise<void> {
    this.#scopes.clear();
  }

  #checkDims(p: Partition, vector: Float32Array): void {
    if (vector.length !== p.dims)
      throw new InvalidRequestError(
        `semantic store: vector has ${vector.length} dimensions, this scope holds ${p.dims}`,
      );
  }
}
