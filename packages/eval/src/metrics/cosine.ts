import type { CallOptions, EmbeddingModel } from "@keel/core";
import { EvalInputError } from "../errors/index.js";
import { pySplit } from "../text/python-text.js";

/**
 * Cosine similarity of two vectors. A zero vector gives 0 (scikit-learn's convention), not NaN.
 * Each vector is scaled by its largest magnitude first so huge or tiny values neither overflow nor underflow.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new EvalInputError(
      `cosine similarity needs vectors of equal length, got ${a.length} and ${b.length}`,
    );
  let maxA = 0;
  let maxB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new EvalInputError(`cosine similarity got a non-finite value at index ${i}`);
    maxA = Math.max(maxA, Math.abs(x));
    maxB = Math.max(maxB, Math.abs(y));
  }
  if (maxA === 0 || maxB === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! / maxA;
    const y = b[i]! / maxB;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/**
 * Bag-of-words cosine: term counts over lowercased whitespace tokens (as scikit-learn's
 * `CountVectorizer(lowercase=True, tokenizer=str.split)`), then cosine. Empty text gives 0.
 */
export function bagOfWordsCosine(a: string, b: string): number {
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (const t of pySplit(a.toLowerCase())) ca.set(t, (ca.get(t) ?? 0) + 1);
  for (const t of pySplit(b.toLowerCase())) cb.set(t, (cb.get(t) ?? 0) + 1);
  const vocab = [...new Set([...ca.keys(), ...cb.keys()])];
  return cosineSimilarity(
    vocab.map((t) => ca.get(t) ?? 0),
    vocab.map((t) => cb.get(t) ?? 0),
  );
}

/** Cosine similarity of two texts' embeddings from any core `EmbeddingModel` (one `embed` call). */
export async function embeddingCosine(
  model: EmbeddingModel,
  a: string,
  b: string,
  options?: CallOptions,
): Promise<number> {
  const { embeddings } = await model.embed([a, b], options);
  if (embeddings.length !== 2)
    throw new EvalInputError(
      `embedding model ${model.provider}/${model.id} returned ${embeddings.length} vectors for 2 texts`,
    );
  return cosineSimilarity(embeddings[0]!, embeddings[1]!);
}
