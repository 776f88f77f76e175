import type { SearchHit } from "./search-types.js";

/** The share of the exact top-k ids that the approximate top-k also returned (1 when exact is empty). */
export function recallAtK(approximate: readonly SearchHit[], exact: readonly SearchHit[], k: number): number {
  const truth = exact.slice(0, k);
  if (truth.length === 0) return 1;
  const found = new Set(approximate.slice(0, k).map((h) => h.id));
  return truth.filter((h) => found.has(h.id)).length / truth.length;
}
