// The reference point, written out in TypeScript because no Python ML library installs
// here: scikit-learn's TfidfVectorizer with its defaults followed by LogisticRegression(C=1).
//   TfidfVectorizer(): lowercase, token_pattern (?u)\b\w\w+\b, word unigrams, raw term counts,
//     smooth idf = ln((1 + n) / (1 + df)) + 1, L2 norm; words not seen in training are ignored.
//   LogisticRegression(): L2 penalty with C = 1 (λ = 1), intercept not penalized, lbfgs, no
//     class weights; predict() flags a text when its probability is at least 0.5.
// Python's \w is str.isalnum() plus "_"; Unicode letters and numbers are the same set apart from
// combining marks, which split a Devanagari word in Python and do not here.
import { type LogisticModel, linearScore, type SparseRow, trainLogistic } from "./logistic-regression.js";

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** The tokens scikit-learn's default analyzer yields for `text`. */
export function sklearnTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export interface TfidfLogistic {
  /** Probability that `text` is an attack. */
  probability(text: string): number;
  vocabularySize: number;
}

/** Fits the baseline on token lists (from `sklearnTokens`) and their 0/1 labels. */
export function fitTfidfBaseline(tokens: readonly string[][], labels: ArrayLike<number>): TfidfLogistic {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  for (const doc of tokens) {
    const seen = new Set<number>();
    for (const t of doc) {
      let id = vocabulary.get(t);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(t, id);
        df.push(0);
      }
      if (!seen.has(id)) {
        seen.add(id);
        df[id] = (df[id] ?? 0) + 1;
      }
    }
  }
  const n = tokens.length;
  const idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
  const vectorize = (doc: readonly string[]): SparseRow => {
    const counts = new Map<number, number>();
    for (const t of doc) {
      const id = vocabulary.get(t);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const index = Int32Array.from(counts.keys());
    const value = Float32Array.from(index, (id) => (counts.get(id) ?? 0) * (idf[id] ?? 0));
    let norm = 0;
    for (const v of value) norm += v * v;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < value.length; i++) value[i] = (value[i] ?? 0) * scale;
    return { index, value };
  };
  const model: LogisticModel = trainLogistic(tokens.map(vectorize), labels, vocabulary.size, { l2: 1 });
  return {
    probability: (text) => 1 / (1 + Math.exp(-linearScore(model, vectorize(sklearnTokens(text))))),
    vocabularySize: vocabulary.size,
  };
}
