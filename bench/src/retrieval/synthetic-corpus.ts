/**
 * A synthetic corpus for speed benchmarks, fixed seed, same for every engine. Each chunk has a
 * latent topic position z in 16 dimensions (100 Gaussian clusters); its text is words drawn half
 * from a global Zipf (s = 1) vocabulary and half from its cluster's own Zipf-ranked slice of it;
 * its embedding is a fixed random 16 → `dims` projection of z plus a little noise, unit length.
 * So the vectors have a low intrinsic dimension, as sentence embeddings do, and no model is needed.
 * Queries are a few topic words and the embedding of a point near a random chunk's z.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES =
  "ka lo mi ne ru sa ti po de fa gu hi jo ke li ma nu ol pe qi ra so tu va we xi yo za bri cha dro fle gri".split(
    " ",
  );

/** A vocabulary of `size` distinct pseudo-words of 1 to 4 syllables. */
export function vocabulary(size: number, random: () => number): string[] {
  if (size > 500_000) throw new Error("vocabulary: at most 500,000 words");
  const words = new Set<string>();
  while (words.size < size) {
    const n = 1 + Math.floor(random() * 4);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Draws ranks from Zipf(s = 1) over `n` ranks by inverting the cumulative distribution. */
export function zipfSampler(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / (r + 1);
    cdf[r] = sum;
  }
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface SyntheticCorpus {
  chunks: string[];
  vectors: Float32Array[];
  queries: string[];
  queryVectors: Float32Array[];
}

export function syntheticCorpus(options: {
  count: number;
  words: number;
  queries: number;
  seed: number;
  vocabulary: number;
  dims: number;
}): SyntheticCorpus {
  const random = mulberry32(options.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const latent = 16;
  const clusters = 100;
  const topicWords = 2000;
  const vocab = vocabulary(options.vocabulary, random);
  const global = zipfSampler(vocab.length, random);
  const topical = zipfSampler(topicWords, random);
  const centers = Array.from({ length: clusters }, () => Array.from({ length: latent }, gauss));
  const offsets = centers.map(() => 100 + Math.floor(random() * (vocab.length - topicWords - 100)));
  const projection = Array.from({ length: options.dims * latent }, gauss);
  const embed = (z: number[]) => {
    const v = new Float32Array(options.dims);
    let norm = 0;
    for (let d = 0; d < options.dims; d++) {
      let x = 0.05 * gauss();
      for (let j = 0; j < latent; j++) x += projection[d * latent + j]! * z[j]!;
      v[d] = x;
      norm += x * x;
    }
    for (let d = 0; d < options.dims; d++) v[d]! /= Math.sqrt(norm);
    return v;
  };
  const topicWord = (c: number) => vocab[offsets[c]! + topical()]!;
  const chunks: string[] = [];
  const vectors: Float32Array[] = [];
  const latents: Array<{ c: number; z: number[] }> = [];
  for (let i = 0; i < options.count; i++) {
    const c = Math.floor(random() * clusters);
    const z = centers[c]!.map((x) => x + 0.5 * gauss());
    latents.push({ c, z });
    const words: string[] = [];
    for (let w = 0; w < options.words; w++) words.push(random() < 0.5 ? vocab[global()]! : topicWord(c));
    chunks.push(words.join(" "));
    vectors.push(embed(z));
  }
  const queries: string[] = [];
  const queryVectors: Float32Array[] = [];
  for (let q = 0; q < options.queries; q++) {
    const { c, z } = latents[Math.floor(random() * latents.length)]!;
    const n = 2 + Math.floor(random() * 4);
    const words: string[] = [];
    while (words.length < n) {
      const w = topicWord(c);
      if (!words.includes(w)) words.push(w);
    }
    queries.push(words.join(" "));
    queryVectors.push(embed(z.map((x) => x + 0.3 * gauss())));
  }
  return { chunks, vectors, queries, queryVectors };
}
