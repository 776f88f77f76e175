import { InvalidRequestError } from "../errors.js";
import { checkK } from "./top-k.js";
import { cosineSimilarity } from "./vector-math.js";

/** A candidate for MMR: its relevance score (any scale) and its vector. */
export interface MmrCandidate {
  id: string;
  score: number;
  vector: ArrayLike<number>;
}

/** An MMR pick: the candidate's relevance, and the marginal score it was picked with. */
export interface MmrHit {
  id: string;
  score: number;
  mmrScore: number;
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): picks k candidates one at a time,
 * each maximizing λ·relevance − (1 − λ)·(max cosine similarity to those already picked).
 * Relevance is min-max normalized to [0, 1] first so it shares cosine's scale. λ = 1 is plain
 * ranking; lower values trade relevance for diversity. Default λ = 0.5.
 */
export function mmr(candidates: readonly MmrCandidate[], options: { k: number; lambda?: number }): MmrHit[] {
  const k = checkK(options?.k, "mmr");
  const lambda = options.lambda ?? 0.5;
  if (typeof lambda !== "number" || !(lambda >= 0 && lambda <= 1))
    throw new InvalidRequestError(`mmr: lambda must be in [0, 1], got ${String(lambda)}`);
  if (candidates.length === 0) return [];
  const dims = candidates[0]!.vector.length;
  for (const c of candidates) {
    if (typeof c.score !== "number" || !Number.isFinite(c.score))
      throw new InvalidRequestError(`mmr: candidate "${c.id}" has a non-finite score`);
    if (c.vector?.length !== dims)
      throw new InvalidRequestError(
        `mmr: candidate "${c.id}" has ${c.vector?.length} dimensions, expected ${dims}`,
      );
  }
  const min = Math.min(...candidates.map((c) => c.score));
  const max = Math.max(...candidates.map((c) => c.score));
  const relevance = candidates.map((c) => (max > min ? (c.score - min) / (max - min) : 1));
  const maxSim = new Array<number>(candidates.length).fill(Number.NEGATIVE_INFINITY);
  const picked = new Array<boolean>(candidates.length).fill(false);
  const out: MmrHit[] = [];
  while (out.length < Math.min(k, candidates.length)) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      if (picked[i]) continue;
      const redundancy = out.length === 0 ? 0 : maxSim[i]!;
      const s = lambda * relevance[i]! - (1 - lambda) * redundancy;
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    picked[best] = true;
    const chosen = candidates[best]!;
    out.push({ id: chosen.id, score: chosen.score, mmrScore: bestScore });
    for (let i = 0; i < candidates.length; i++)
      if (!picked[i])
        maxSim[i] = Math.max(maxSim[i]!, cosineSimilarity(candidates[i]!.vector, chosen.vector));
  }
  return out;
}
