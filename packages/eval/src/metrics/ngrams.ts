// N-gram counting shared by BLEU, sacreBLEU and ROUGE. Tokens are joined with a separator that
// cannot occur inside a whitespace-split token, so a Map<string, number> counts n-grams exactly.

const SEP = "\u0001";

/** Counts the n-grams of order `n` in `tokens` (none when the sequence is shorter than `n`). */
export function countNgrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    let key = tokens[i]!;
    for (let j = 1; j < n; j++) key += SEP + tokens[i + j]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Number of n-grams of order `n` in a sequence of `length` tokens. */
export function ngramTotal(length: number, n: number): number {
  return Math.max(0, length - n + 1);
}
