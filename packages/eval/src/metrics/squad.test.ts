import { describe, expect, it } from "vitest";
import { squadExactMatch, squadF1, squadNormalize } from "./squad.js";

// Definitions: /work/shared/notes/eval-metrics.md §4 (the SQuAD v1.1 evaluation script:
// normalize_answer, exact_match_score, f1_score, metric_max_over_ground_truths). Worked by hand.

describe("SQuAD v1.1 normalize_answer", () => {
  it("lowercases, deletes ASCII punctuation (not replaced by a space), drops articles, collapses spaces", () => {
    expect(squadNormalize("The U.S.A. is  well-known!")).toBe("usa is wellknown");
    expect(squadNormalize(`!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~x`)).toBe("x");
    // Unicode punctuation is not in Python's string.punctuation.
    expect(squadNormalize("«x» — y…")).toBe("«x» — y…");
  });

  it("drops a, an, the only as whole words, with Python 3's Unicode word boundaries", () => {
    expect(squadNormalize("A theater, an anthem: THE end")).toBe("theater anthem end");
    // é is a word character for Python's \b, so "éa" and "aé" keep their a.
    expect(squadNormalize("a éa aé the")).toBe("éa aé");
    // An article is replaced by a space, which splits what Unicode punctuation around it held together.
    expect(squadNormalize("«the»")).toBe("« »");
    expect(squadF1("«the»", "« »")).toBe(1);
    // Digits are word characters too; "_" is punctuation, deleted before articles are dropped.
    expect(squadNormalize("the1 then 2an a_ an")).toBe("the1 then 2an");
  });
});

describe("SQuAD v1.1 exact match and F1", () => {
  it("exact match compares normalized strings against any reference", () => {
    expect(squadExactMatch("Paris!", ["London", "the paris"])).toBe(1);
    expect(squadExactMatch("Paris", "London")).toBe(0);
    expect(squadExactMatch("Paris", [])).toBe(0);
    // Both normalize to "".
    expect(squadExactMatch("The", "a")).toBe(1);
  });

  it("F1 over the multiset of shared tokens", () => {
    // "cat sat on mat" vs "cat on mat": same = 3, P = 3/4, R = 1 → 2·¾/(7/4) = 6/7.
    expect(squadF1("the cat sat on the mat", "a cat on a mat")).toBeCloseTo(6 / 7, 15);
    // Each gold token is shared once: same = 1, P = 1/3, R = 1 → ½.
    expect(squadF1("cat cat cat", "cat")).toBeCloseTo(0.5, 15);
    expect(squadF1("cat", "cat cat cat")).toBeCloseTo(0.5, 15);
    expect(squadF1("dog", "cat")).toBe(0);
  });

  it("F1 takes the best reference, and is 0 when both sides normalize to nothing (v1.1)", () => {
    // "cat" vs "cat dog": P = 1, R = ½ → ⅔.
    expect(squadF1("cat", ["dog", "cat dog", "mouse"])).toBeCloseTo(2 / 3, 15);
    expect(squadF1("the", "a")).toBe(0);
    expect(squadF1("cat", [])).toBe(0);
  });
});
