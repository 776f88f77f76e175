import { pyCollapse, pySplit } from "../text/python-text.js";

// Python's `string.punctuation`: ASCII only, so Unicode punctuation (“ ” … 。) is kept.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python 3's \b is Unicode-aware; JS's is ASCII-only even with /u, hence the lookarounds.
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD v1.1 `normalize_answer`: lowercase, delete ASCII punctuation, drop articles, collapse whitespace. */
export function squadNormalize(s: string): string {
  return pyCollapse(s.toLowerCase().replace(PUNCTUATION, "").replace(ARTICLES, " "));
}

/** SQuAD v1.1 exact match against the best reference: 1 when the normalized strings are equal, else 0. */
export function squadExactMatch(prediction: string, references: string | readonly string[]): number {
  const p = squadNormalize(prediction);
  const refs = typeof references === "string" ? [references] : references;
  return refs.some((r) => squadNormalize(r) === p) ? 1 : 0;
}

function f1(predTokens: string[], goldTokens: string[]): number {
  const counts = new Map<string, number>();
  for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predTokens) {
    const c = counts.get(t);
    if (c) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD v1.1 token F1 (max over references); 0 when no token is shared, including when both are empty. */
export function squadF1(prediction: string, references: string | readonly string[]): number {
  const pred = pySplit(squadNormalize(prediction));
  const refs = typeof references === "string" ? [references] : references;
  let best = 0;
  for (const r of refs) best = Math.max(best, f1(pred, pySplit(squadNormalize(r))));
  return best;
}
