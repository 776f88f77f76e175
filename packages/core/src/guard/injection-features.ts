/**
 * The injection classifier's features: hashed word unigrams and bigrams plus character 3–5-grams
 * inside words (so German compounds, inflected forms and words split by obfuscation share
 * evidence), weighted TF-IDF style: sublinear term frequency (1 + ln tf) times the bucket's
 * inverse document frequency, L2-normalized so a long text weighs no more than a short one. The
 * training script and the detector both call this, so they can never disagree.
 */

/** Sparse feature vector: parallel arrays of bucket index and value. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

const WORD = /[\p{L}\p{N}]+/gu;
// Character n-grams of longer words add little beyond their first 24 characters.
const MAX_GRAM_WORD = 24;
const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
const LT = 60; // "<", marks a word's start in its character n-grams
const GT = 62; // ">", its end

// One scratch accumulator per table size, reused across calls: the features of one text touch a
// few thousand buckets, and clearing just those is far cheaper than allocating a table per text.
const padded = new Uint16Array(MAX_GRAM_WORD + 2);
const scratch = new Map<number, { counts: Float64Array; touched: Int32Array }>();

/**
 * Counts `text`'s hashed features in `2^bits` buckets, signed (a feature adds +1 or −1 by one bit
 * of its hash, so collisions cancel on average); `maxChars` bounds the work on huge inputs.
 */
export function injectionCounts(
  text: string,
  bits: number,
  maxChars = Number.POSITIVE_INFINITY,
): SparseVector {
  const mask = (1 << bits) - 1;
  let table = scratch.get(bits);
  if (!table) {
    table = { counts: new Float64Array(1 << bits), touched: new Int32Array(1 << bits) };
    scratch.set(bits, table);
  }
  const { counts, touched } = table;
  let nTouched = 0;
  const add = (h: number) => {
    const bucket = h & mask;
    // The tiny offset keeps a bucket marked as touched even when its signed counts cancel out.
    if (counts[bucket] === 0) touched[nTouched++] = bucket;
    counts[bucket] = (counts[bucket] ?? 0) + (h >>> 31 ? -1 : 1) + 1e-9;
  };

  const source = (text.length > maxChars ? text.slice(0, maxChars) : text).toLowerCase();
  let prevStart = -1;
  let prevEnd = -1;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(source); m !== null; m = WORD.exec(source)) {
    const start = m.index;
    const end = start + m[0].length;
    let h = (OFFSET ^ 1) >>> 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ source.charCodeAt(i), PRIME);
    add(h >>> 0);
    if (prevStart >= 0) {
      let b = (OFFSET ^ 2) >>> 0;
      for (let i = prevStart; i < prevEnd; i++) b = Math.imul(b ^ source.charCodeAt(i), PRIME);
      b = Math.imul(b ^ 32, PRIME);
      for (let i = start; i < end; i++) b = Math.imul(b ^ source.charCodeAt(i), PRIME);
      add(b >>> 0);
    }
    prevStart = start;
    prevEnd = end;
    // Character n-grams of "<word>", the word cut to its first MAX_GRAM_WORD characters.
    const len = Math.min(end - start, MAX_GRAM_WORD) + 2;
    padded[0] = LT;
    for (let k = 1; k < len - 1; k++) padded[k] = source.charCodeAt(start + k - 1);
    padded[len - 1] = GT;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= len; i++) {
        let g = (OFFSET ^ (2 + n)) >>> 0;
        for (let k = i; k < i + n; k++) g = Math.imul(g ^ (padded[k] ?? 0), PRIME);
        add(g >>> 0);
      }
    }
  }

  const index = new Int32Array(nTouched);
  const value = new Float32Array(nTouched);
  let k = 0;
  for (let t = 0; t < nTouched; t++) {
    const bucket = touched[t] ?? 0;
    const c = Math.round(counts[bucket] ?? 0);
    counts[bucket] = 0;
    if (c === 0) continue;
    index[k] = bucket;
    value[k] = c;
    k++;
  }
  return { index: index.subarray(0, k), value: value.subarray(0, k) };
}

/**
 * Turns signed counts into the classifier's input: sign × (1 + ln |count|) × idf of the bucket
 * (1 for every bucket when `idf` is absent), L2-normalized. A new vector; `counts` is untouched.
 */
export function weighInjectionCounts(counts: SparseVector, idf?: ArrayLike<number>): SparseVector {
  const n = counts.index.length;
  const index = counts.index.slice();
  const value = new Float32Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const c = counts.value[i] ?? 0;
    const v = Math.sign(c) * (1 + Math.log(Math.abs(c))) * (idf ? (idf[index[i] ?? 0] ?? 1) : 1);
    value[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < n; i++) value[i] = (value[i] ?? 0) * scale;
  return { index, value };
}

/** Hashes and weighs `text`'s features into `2^bits` buckets (see `injectionCounts`). */
export function injectionFeatures(
  text: string,
  bits: number,
  maxChars = Number.POSITIVE_INFINITY,
  idf?: ArrayLike<number>,
): SparseVector {
  return weighInjectionCounts(injectionCounts(text, bits, maxChars), idf);
}
