import { InvalidRequestError } from "../errors.js";
import type { SearchHit } from "./search-types.js";

/** What one input list contributed to a fused hit: its 1-based rank and original score there. */
export interface Contribution {
  rank: number;
  score: number;
}

/** A fused result: the fused score and, per input list (same order), what that list said, or null if absent. */
export interface FusedHit {
  id: string;
  score: number;
  contributions: Array<Contribution | null>;
}

/** How scores are put on one scale before weighting. */
export type Normalization = "min-max" | "z-score";

function checkWeights(weights: readonly number[] | undefined, lists: number, where: string): number[] {
  if (weights === undefined) return new Array(lists).fill(1);
  if (!Array.isArray(weights) || weights.length !== lists)
    throw new InvalidRequestError(
      `${where}: weights must have one number per list (${lists}), got ${weights?.length}`,
    );
  for (const w of weights)
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      throw new InvalidRequestError(`${where}: weights must be finite numbers >= 0, got ${String(w)}`);
  return [...weights];
}

function checkLists(lists: readonly (readonly SearchHit[])[], where: string): void {
  if (!Array.isArray(lists)) throw new InvalidRequestError(`${where}: lists must be an array of hit lists`);
  lists.forEach((list, i) => {
    if (!Array.isArray(list)) throw new InvalidRequestError(`${where}: list ${i} is not an array`);
    const seen = new Set<string>();
    for (const hit of list) {
      if (typeof hit?.id !== "string")
        throw new InvalidRequestError(`${where}: list ${i} has a hit without a string id`);
      if (typeof hit.score !== "number" || !Number.isFinite(hit.score))
        throw new InvalidRequestError(`${where}: list ${i}, hit "${hit.id}" has a non-finite score`);
      if (seen.has(hit.id)) throw new InvalidRequestError(`${where}: list ${i} has "${hit.id}" twice`);
      seen.add(hit.id);
    }
  });
}

function collect(lists: readonly (readonly SearchHit[])[]): Map<string, Array<Contribution | null>> {
  const byId = new Map<string, Array<Contribution | null>>();
  lists.forEach((list, li) => {
    // Rank by score, as given lists may not be sorted.
    const ranked = [...list].sort((a, b) => b.score - a.score);
    ranked.forEach((hit, r) => {
      let row = byId.get(hit.id);
      if (!row) {
        row = new Array(lists.length).fill(null);
        byId.set(hit.id, row);
      }
      row[li] = { rank: r + 1, score: hit.score };
    });
  });
  return byId;
}

function sorted(hits: FusedHit[], limit: number | undefined): FusedHit[] {
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return limit === undefined ? hits : hits.slice(0, limit);
}

/**
 * Reciprocal rank fusion (Cormack et al., 2009): score = Σ weight / (k + rank). Uses ranks only,
 * so lists with incomparable scores (BM25 and cosine) fuse safely. Default k = 60.
 */
export function reciprocalRankFusion(
  lists: readonly (readonly SearchHit[])[],
  options: { k?: number; weights?: readonly number[]; limit?: number } = {},
): FusedHit[] {
  checkLists(lists, "reciprocalRankFusion");
  const k = options.k ?? 60;
  if (typeof k !== "number" || !Number.isFinite(k) || k < 0)
    throw new InvalidRequestError(`reciprocalRankFusion: k must be a finite number >= 0, got ${String(k)}`);
  const weights = checkWeights(options.weights, lists.length, "reciprocalRankFusion");
  const out: FusedHit[] = [];
  for (const [id, contributions] of collect(lists)) {
    let score = 0;
    contributions.forEach((c, i) => {
      if (c) score += weights[i]! / (k + c.rank);
    });
    out.push({ id, score, contributions });
  }
  return sorted(out, options.limit);
}

/** Each score of a list put on a common scale: min-max to [0, 1], or z-scores (mean 0, sd 1). */
export function normalizeScores(hits: readonly SearchHit[], normalization: Normalization): SearchHit[] {
  if (hits.length === 0) return [];
  const scores = hits.map((h) => h.score);
  if (normalization === "min-max") {
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    const range = max - min;
    return hits.map((h) => ({ id: h.id, score: range > 0 ? (h.score - min) / range : 1 }));
  }
  if (normalization === "z-score") {
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    return hits.map((h) => ({ id: h.id, score: sd > 0 ? (h.score - mean) / sd : 0 }));
  }
  throw new InvalidRequestError(
    `normalizeScores: normalization must be "min-max" or "z-score", got ${String(normalization)}`,
  );
}

/**
 * Weighted fusion of normalized scores: each list is normalized on its own (min-max by default),
 * then score = Σ weight · normalized. An item missing from a list gets that list's lowest
 * normalized score (0 under min-max). Raw scores are never added: BM25's scale would swamp cosine.
 */
export function weightedFusion(
  lists: readonly (readonly SearchHit[])[],
  options: { weights?: readonly number[]; normalization?: Normalization; limit?: number } = {},
): FusedHit[] {
  checkLists(lists, "weightedFusion");
  const weights = checkWeights(options.weights, lists.length, "weightedFusion");
  const normalization = options.normalization ?? "min-max";
  const normalized = lists.map(
    (list) => new Map(normalizeScores(list, normalization).map((h) => [h.id, h.score])),
  );
  const floors = normalized.map((m) => (m.size === 0 ? 0 : Math.min(...m.values())));
  const out: FusedHit[] = [];
  for (const [id, contributions] of collect(lists)) {
    let score = 0;
    for (let i = 0; i < lists.length; i++) score += weights[i]! * (normalized[i]!.get(id) ?? floors[i]!);
    out.push({ id, score, contributions });
  }
  return sorted(out, options.limit);
}
