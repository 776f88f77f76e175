import type { CachedResponse } from "./cache-store.js";
import type { StoreCallOptions } from "./store-call.js";

/** One answer in a semantic cache, with the prompt text it answered. */
export interface SemanticEntry {
  id: string;
  prompt: string;
  response: CachedResponse;
  storedAt: number;
}

/** The best entry found and its cosine similarity to the query. */
export interface SemanticMatch {
  entry: SemanticEntry;
  similarity: number;
}

/**
 * Where a semantic cache keeps vectors and answers, partitioned by scope (see
 * `semanticScopeKey`): a search only ever sees entries of the scope it names. Vectors are
 * unit length, so cosine similarity is a dot product. A remote store should give up when
 * `options.signal` fires (the cache has already stepped aside by then).
 */
export interface SemanticStore {
  /** The most similar live entry of `scope` with similarity >= `minSimilarity`, if any. */
  search(
    scope: string,
    vector: Float32Array,
    minSimilarity: number,
    options?: StoreCallOptions,
  ): Promise<SemanticMatch | undefined>;
  /** Stores an entry (replacing one with the same id) for `ttlMs`, or until evicted. */
  add(
    scope: string,
    vector: Float32Array,
    entry: SemanticEntry,
    ttlMs?: number,
    options?: StoreCallOptions,
  ): Promise<void>;
  /** Removes one entry. */
  delete(scope: string, id: string): Promise<boolean>;
  /** Removes every entry of a scope. */
  deleteScope(scope: string): Promise<void>;
  /** Removes everything. */
  clear(): Promise<void>;
}

/** Scales a vector to unit length in a new Float32Array; returns undefined for a zero vector. */
export function unitVector(values: ArrayLike<number>): Float32Array | undefined {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += values[i]! * values[i]!;
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  const scale = 1 / Math.sqrt(norm);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale;
  return out;
}

/** Dot product of row `row` of a packed matrix with `query` (unrolled by four: this is the hot loop). */
export function dotRow(matrix: Float32Array, row: number, query: Float32Array): number {
  const dims = query.length;
  let offset = row * dims;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4, offset += 4) {
    a += matrix[offset]! * query[j]!;
    b += matrix[offset + 1]! * query[j + 1]!;
    c += matrix[offset + 2]! * query[j + 2]!;
    d += matrix[offset + 3]! * query[j + 3]!;
  }
  for (; j < dims; j++, offset++) a += matrix[offset]! * query[j]!;
  return a + b + c + d;
}

/** A query's non-zero coordinates, when few enough that skipping the zeros pays (hashed lexical vectors). */
export function sparseQuery(query: Float32Array): { index: Int32Array; value: Float32Array } | undefined {
  let nonZero = 0;
  for (let j = 0; j < query.length; j++) if (query[j] !== 0) nonZero++;
  if (nonZero * 4 > query.length) return undefined;
  const index = new Int32Array(nonZero);
  const value = new Float32Array(nonZero);
  let k = 0;
  for (let j = 0; j < query.length; j++)
    if (query[j] !== 0) {
      index[k] = j;
      value[k++] = query[j]!;
    }
  return { index, value };
}

/** Dot product of row `row` of a packed matrix with a sparse query. */
export function dotRowSparse(
  matrix: Float32Array,
  row: number,
  dims: number,
  query: { index: Int32Array; value: Float32Array },
): number {
  const offset = row * dims;
  let sum = 0;
  for (let k = 0; k < query.index.length; k++) sum += matrix[offset + query.index[k]!]! * query.value[k]!;
  return sum;
}
