import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { lcsLength, rouge, rougeLcs, rougeN, rougeTokenize, rougeTokensBoth } from "./rouge.js";

// Definitions: /work/shared/notes/eval-metrics.md §2 (google-research rouge-score: tokenize.py,
// rouge_scorer.py `_score_ngrams`, `_score_lcs`, `score_multi`). Values worked by hand.

describe("rouge-score's tokenizer", () => {
  it("lowercases, turns every run outside [a-z0-9] into a break and drops empty tokens", () => {
    expect(rougeTokenize("  Café—au-lait, 3.14!")).toEqual(["caf", "au", "lait", "3", "14"]);
    expect(rougeTokenize("日本語 …")).toEqual([]);
  });

  it("stems only tokens longer than 3 characters (Porter's 'was' would be 'wa')", () => {
    expect(rougeTokenize("The cats WAS running", true)).toEqual(["the", "cat", "was", "run"]);
    expect(rougeTokenize("The cats WAS running")).toEqual(["the", "cats", "was", "running"]);
    expect(rougeTokensBoth("The cats WAS running")).toEqual({
      plain: ["the", "cats", "was", "running"],
      stemmed: ["the", "cat", "was", "run"],
    });
  });

  it("stemming is off by default and on with { stem: true }", () => {
    // target "cats running" vs prediction "cat run": nothing shared unstemmed, everything stemmed.
    expect(rouge("cat run", "cats running").rouge1).toEqual({ p: 0, r: 0, f: 0 });
    expect(rouge("cat run", "cats running", { stem: true }).rouge1).toEqual({ p: 1, r: 1, f: 1 });
  });
});

describe("ROUGE-N and ROUGE-L on token lists", () => {
  it("clips each n-gram's overlap to its count on the other side", () => {
    // target a, prediction a a a: overlap min(1, 3) = 1; P = 1/3, R = 1/1, F = 2·⅓/(4/3) = ½.
    const s = rougeN(["a"], ["a", "a", "a"], 1);
    expect(s.p).toBeCloseTo(1 / 3, 15);
    expect(s.r).toBe(1);
    expect(s.f).toBeCloseTo(0.5, 15);
    // A side shorter than n has no n-grams: 0 / max(0, 1) = 0, never NaN.
    expect(rougeN(["a"], ["a", "b"], 2)).toEqual({ p: 0, r: 0, f: 0 });
  });

  it("takes the longest common subsequence, not substring, over the whole text", () => {
    expect(lcsLength(["a", "b", "c", "d"], ["a", "c", "x", "d"])).toBe(3);
    expect(lcsLength(["a", "b"], [])).toBe(0);
    // L = 3; P = 3/4, R = 3/4.
    expect(rougeLcs(["a", "b", "c", "d"], ["a", "c", "x", "d"])).toEqual({ p: 0.75, r: 0.75, f: 0.75 });
    expect(rougeLcs(["a"], [])).toEqual({ p: 0, r: 0, f: 0 });
  });
});

describe("ROUGE types", () => {
  it("computes the types asked for, any n-gram order included", () => {
    // target = prediction = a b c: the one trigram matches.
    expect(rouge("a b c", "a b c", { types: ["rouge3"] })).toEqual({ rouge3: { p: 1, r: 1, f: 1 } });
    expect(Object.keys(rouge("a", "a"))).toEqual(["rouge1", "rouge2", "rougeL"]);
  });

  it("refuses a type that is not rougeL or rouge<n> with n a positive integer", () => {
    for (const type of ["rouge0", "rougeLsum", "rouge1.5", "rouge-1"])
      expect(() => rouge("a", "a", { types: [type as "rouge1"] })).toThrow(`unknown ROUGE type "${type}"`);
  });
});

describe("several references (score_multi)", () => {
  it("keeps, per type, the first reference with the highest F even when a later one ties with other P and R", () => {
    // prediction a b. "a x": P = ½, R = ½, F = ½. "a b x y z w": P = 1, R = ⅓, F = (⅔)/(4/3) = ½.
    expect(rouge("a b", ["a x", "a b x y z w"]).rouge1).toEqual({ p: 0.5, r: 0.5, f: 0.5 });
    expect(rouge("a b", ["a b x y z w", "a x"]).rouge1).toEqual({ p: 1, r: 1 / 3, f: 0.5 });
  });

  it("needs at least one reference", () => {
    expect(() => rouge("a", [])).toThrow(EvalInputError);
    expect(() => rouge("a", [])).toThrow("ROUGE needs at least one reference");
  });
});
