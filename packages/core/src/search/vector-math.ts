import { InvalidRequestError } from "../errors.js";

/** How vectors are compared: cosine similarity, dot product, or euclidean (L2) distance. */
export type Metric = "cosine" | "dot" | "euclidean";

/** Checks a metric name. */
export function checkMetric(metric: unknown, where: string): Metric {
  if (metric !== "cosine" && metric !== "dot" && metric !== "euclidean")
    throw new InvalidRequestError(
      `${where}: metric must be "cosine", "dot" or "euclidean", got ${String(metric)}`,
    );
  return metric;
}

/** Checks a dimension count. */
export function checkDimensions(dimensions: unknown, where: string): number {
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1)
    throw new InvalidRequestError(
      `${where}: dimensions must be a positive integer, got ${String(dimensions)}`,
    );
  return dimensions;
}

/**
 * Copies a vector into a Float32Array ready to store or query: checks its length and that every
 * value is finite, and scales it to unit length for cosine. Errors name `label` (the item id or
 * "query") and the first bad position.
 */
export function prepareVector(
  vector: ArrayLike<number>,
  dimensions: number,
  metric: Metric,
  label: string,
): Float32Array {
  if (vector === null || typeof vector !== "object" || typeof vector.length !== "number")
    throw new InvalidRequestError(`${label}: vector must be an array or Float32Array`);
  if (vector.length !== dimensions)
    throw new InvalidRequestError(`${label}: vector has ${vector.length} dimensions, expected ${dimensions}`);
  const out = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const v = vector[i]!;
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new InvalidRequestError(
        `${label}: vector[${i}] is ${String(v)}; every value must be a finite number`,
      );
    out[i] = v;
    norm += v * v;
  }
  if (metric === "cosine") {
    if (!(norm > 0))
      throw new InvalidRequestError(`${label}: a zero vector has no direction for cosine similarity`);
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) out[i]! *= scale;
  }
  if (!Number.isFinite(norm))
    throw new InvalidRequestError(`${label}: vector overflows (norm is not finite)`);
  return out;
}

/** The dot product of `a` and row `row` of a packed matrix `data` with `dims` columns. */
export function dotAt(a: Float32Array, data: Float32Array, row: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const o = row * dims;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    s0 += a[i]! * data[o + i]!;
    s1 += a[i + 1]! * data[o + i + 1]!;
    s2 += a[i + 2]! * data[o + i + 2]!;
    s3 += a[i + 3]! * data[o + i + 3]!;
  }
  for (; i < dims; i++) s0 += a[i]! * data[o + i]!;
  return s0 + s1 + s2 + s3;
}

/** The squared euclidean distance between `a` and row `row` of `data`. */
export function squaredL2At(a: Float32Array, data: Float32Array, row: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  const o = row * dims;
  let i = 0;
  for (; i + 1 < dims; i += 2) {
    const d0 = a[i]! - data[o + i]!;
    const d1 = a[i + 1]! - data[o + i + 1]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  for (; i < dims; i++) {
    const d = a[i]! - data[o + i]!;
    s0 += d * d;
  }
  return s0 + s1;
}

/**
 * The similarity score of `query` against row `row`, higher is better: cosine similarity (vectors
 * are stored unit length), the dot product, or the negated euclidean distance.
 */
export function scoreAt(
  metric: Metric,
  query: Float32Array,
  data: Float32Array,
  row: number,
  dims: number,
): number {
  return metric === "euclidean"
    ? -Math.sqrt(squaredL2At(query, data, row, dims))
    : dotAt(query, data, row, dims);
}

/** Cosine similarity of two vectors of equal length (0 when either is zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
