import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { alignWords, countChunks, meteor, singleMeteor } from "./meteor.js";
import type { WordNet } from "./wordnet.js";

// Definitions: /work/shared/notes/eval-metrics.md §3 (NLTK 3.8 nltk/translate/meteor_score.py).
// P = m/|hyp|, R = m/|ref|, Fmean = P·R / (α·P + (1−α)·R), penalty = γ·(chunks/m)^β,
// score = (1 − penalty)·Fmean, with α = 0.9, β = 3, γ = 0.5. Values worked by hand.

const t = (s: string) => s.split(" ");
const plain = { wordnet: null } as const;

describe("alignment (NLTK _enum_align_words, _match_enums)", () => {
  it("matches duplicates from the last hypothesis word to the last remaining reference word", () => {
    // hyp a(0) a(1), ref a(0) x(1) a(2): a(1) takes a(2), then a(0) takes a(0).
    expect(alignWords(t("a a"), t("a x a"), plain)).toEqual([
      [0, 0],
      [1, 2],
    ]);
    // hyp a b a, ref a a b: a(2) takes a(1), b(1) takes b(2), a(0) takes a(0).
    expect(alignWords(t("a b a"), t("a a b"), plain)).toEqual([
      [0, 0],
      [1, 2],
      [2, 1],
    ]);
    expect(alignWords(t("x y"), t("a b"), plain)).toEqual([]);
  });

  it("lowercases, then matches Porter stems of the words left over", () => {
    expect(alignWords(["Running", "Cats"], ["cats", "runs"], plain)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // Caller's preprocess and stemmer replace lowercasing and Porter.
    const raw = { wordnet: null, preprocess: (s: string) => s, stem: (s: string) => s };
    expect(alignWords(["Running", "cats"], ["running", "runs", "cats"], raw)).toEqual([[1, 2]]);
  });

  it("then matches WordNet synonyms of the stemmed words, skipping multi-word lemmas", () => {
    const wordnet: WordNet = {
      lemmaNames: (word) => (word === "car" ? ["car", "auto", "motor_car", "Auto"] : []),
    };
    // Stems: car → car, auto → auto; motor_car is a multi-word lemma, Auto keeps its case.
    expect(alignWords(t("car"), t("auto"), { wordnet })).toEqual([[0, 0]]);
    expect(alignWords(t("car"), t("motor_car"), { wordnet })).toEqual([]);
    expect(alignWords(t("car car"), t("auto x auto"), { wordnet })).toEqual([
      [0, 0],
      [1, 2],
    ]);
    expect(alignWords(t("car"), t("auto"), plain)).toEqual([]);
  });
});

describe("chunks (NLTK _count_chunks)", () => {
  it("counts runs of matches adjacent in both sentences", () => {
    expect(
      countChunks([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    ).toBe(1);
    // Adjacent in the hypothesis but not in the reference, and the other way round.
    expect(
      countChunks([
        [0, 1],
        [1, 2],
        [2, 0],
        [4, 1],
      ]),
    ).toBe(3);
    expect(
      countChunks([
        [0, 0],
        [2, 1],
      ]),
    ).toBe(2);
  });
});

describe("score", () => {
  it("scores a perfect match below 1 (one chunk of m: penalty γ/m³)", () => {
    // m = 3, P = R = 1, Fmean = 1, penalty = 0.5·(1/3)³ = 1/54.
    expect(singleMeteor(t("a b c"), t("a b c"), plain)).toBeCloseTo(53 / 54, 15);
  });

  it("weighs recall over precision with α = 0.9", () => {
    // hyp a, ref a b: P = 1, R = ½, Fmean = ½ / (0.9 + 0.05) = 10/19, penalty = 0.5 → 5/19.
    expect(singleMeteor(t("a b"), t("a"), plain)).toBeCloseTo(5 / 19, 15);
    // hyp a b, ref a: P = ½, R = 1, Fmean = ½ / (0.45 + 0.1) = 10/11, chunks 1 of 1 → 5/11.
    expect(singleMeteor(t("a"), t("a b"), plain)).toBeCloseTo(5 / 11, 15);
  });

  it("penalises fragmentation", () => {
    // hyp a b c, ref c a b: chunks (a b)(c) = 2, penalty 0.5·(2/3)³ = 4/27 → 23/27.
    expect(singleMeteor(t("c a b"), t("a b c"), plain)).toBeCloseTo(23 / 27, 15);
  });

  it("takes α, β and γ from the options", () => {
    // hyp a, ref a b with α = 0.5: Fmean = ½ / 0.75 = ⅔, penalty 0.5 → ⅓.
    expect(singleMeteor(t("a b"), t("a"), { wordnet: null, alpha: 0.5 })).toBeCloseTo(1 / 3, 15);
    // Perfect 3-word match with β = 1: penalty 0.5·⅓ → 5/6; with γ = 0 no penalty.
    expect(singleMeteor(t("a b c"), t("a b c"), { wordnet: null, beta: 1 })).toBeCloseTo(5 / 6, 15);
    expect(singleMeteor(t("a b c"), t("a b c"), { wordnet: null, gamma: 0 })).toBe(1);
  });

  it("is 0 where NLTK divides by zero: nothing matched, an empty side, or α·P + (1−α)·R = 0", () => {
    expect(singleMeteor(t("a b"), t("x"), plain)).toBe(0);
    expect(singleMeteor([], t("a"), plain)).toBe(0);
    expect(singleMeteor(t("a"), [], plain)).toBe(0);
    // P = 1, R = ½, α = −1: −1 + 2·½ = 0.
    expect(singleMeteor(t("a b"), t("a"), { wordnet: null, alpha: -1 })).toBe(0);
  });

  it("takes the best reference", () => {
    expect(meteor([t("x y"), t("a b c"), t("a")], t("a b c"), plain)).toBeCloseTo(53 / 54, 15);
    expect(meteor([t("x"), t("y")], t("a"), plain)).toBe(0);
  });

  it("refuses strings for tokens on either side", () => {
    expect(() => singleMeteor(t("a"), "a b" as unknown as string[], plain)).toThrow(
      "METEOR expects the hypothesis as a list of tokens, not a string",
    );
    expect(() => singleMeteor("a" as unknown as string[], t("a"), plain)).toThrow(EvalInputError);
    expect(() => singleMeteor({} as unknown as string[], t("a"), plain)).toThrow(/reference as a list/);
  });
});
