import { describe, expect, it } from "vitest";
import { bleuStats, modifiedPrecision } from "./bleu.js";
import { countIdNgrams, countNgrams, internTokens } from "./ngrams.js";
import { rougeN } from "./rouge.js";

// BLEU, sacreBLEU and ROUGE count n-grams through these helpers, so a miscount is a wrong score.

describe("n-gram counting", () => {
  it("counts each n-gram of a sequence, none when it is shorter than n", () => {
    expect([...countNgrams(["a", "b", "a", "b"], 2).values()]).toEqual([2, 1]);
    expect(countNgrams(["a"], 2).size).toBe(0);
    const { ids, base } = internTokens([
      ["a", "b", "a", "b"],
      ["b", "c"],
    ]);
    expect(ids).toEqual([
      [1, 2, 1, 2],
      [2, 3],
    ]);
    expect(base).toBe(4);
    expect([...countIdNgrams(ids[0]!, 2, base).values()]).toEqual([2, 1]);
    expect(countIdNgrams(ids[1]!, 3, base).size).toBe(0);
  });

  it("counts n-grams as token tuples, so tokens that run together alike stay apart", () => {
    // NLTK counts tuples: ("ab", "c") is not ("a", "bc").
    expect(modifiedPrecision([["a", "bc"]], ["ab", "c"], 2)).toEqual({ numerator: 0, denominator: 1 });
    expect(
      modifiedPrecision(
        [
          ["a", "bc"],
          ["ab", "c"],
        ],
        ["ab", "c"],
        2,
      ),
    ).toEqual({ numerator: 1, denominator: 1 });
    expect(countNgrams(["ab", "c", "a", "bc"], 2).size).toBe(3);
  });

  it("keeps distinct n-grams apart on a vocabulary too large for exact numeric keys", () => {
    // 10,000 distinct words: base 10,001, and 10,001⁴ > 2⁵³, so a 4-gram is no longer one exact
    // double (w9999 w9998 w9997 w1 and w9999 w9998 w9997 w2 would round to the same number).
    const vocab = Array.from({ length: 10_000 }, (_, i) => `w${i + 1}`);
    const hyp = [...vocab, "w1", "w23", "w4", "w5", "w9999", "w9998", "w9997", "w1"];
    const ref = [...vocab, "w12", "w3", "w4", "w5", "w9999", "w9998", "w9997", "w2"];
    const stats = bleuStats([[ref]], [hyp]);
    // 10,008 tokens: 10,005 4-grams. Shared: the 9,997 inside the vocabulary run, then of the 8
    // after it only (w4 w5 w9999 w9998) and (w5 w9999 w9998 w9997): the last ones differ in their
    // final word, and (w1 w23 w4 w5) is not (w12 w3 w4 w5) although their ids read alike run together.
    expect(stats.denominators[3]).toBe(10_005);
    expect(stats.numerators[3]).toBe(9_997 + 2);
    expect(rougeN(ref, hyp, 4).p).toBe(9_999 / 10_005);
  });
});
