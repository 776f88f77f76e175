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

/** Tokens of several sequences mapped to small integers (1…V), so n-grams can be counted by number. */
export function internTokens(lists: readonly (readonly string[])[]): { ids: number[][]; base: number } {
  const table = new Map<string, number>();
  const ids = lists.map((tokens) =>
    tokens.map((t) => {
      let id = table.get(t);
      if (id === undefined) {
        id = table.size + 1;
        table.set(t, id);
      }
      return id;
    }),
  );
  return { ids, base: table.size + 1 };
}

/**
 * Counts the n-grams of order `n` of an interned sequence. Each n-gram is one number (its ids in
 * base `base`) while that stays exact below 2^53, else a string of the ids; either way the keys of
 * two sequences interned together are comparable.
 */
export function countIdNgrams(ids: readonly number[], n: number, base: number): Map<number | string, number> {
  const counts = new Map<number | string, number>();
  const numeric = base ** n < Number.MAX_SAFE_INTEGER;
  for (let i = 0; i + n <= ids.length; i++) {
    let key: number | string;
    if (numeric) {
      let k = 0;
      for (let j = 0; j < n; j++) k = k * base + ids[i + j]!;
      key = k;
    } else key = ids.slice(i, i + n).join(",");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
