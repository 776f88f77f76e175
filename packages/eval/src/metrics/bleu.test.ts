import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import {
  type BleuStats,
  bleuFromStats,
  bleuStats,
  brevityPenalty,
  closestRefLength,
  corpusBleu,
  sentenceBleu,
  smoothing,
} from "./bleu.js";

// Definitions: /work/shared/notes/eval-metrics.md §1 (NLTK 3.8 nltk/translate/bleu_score.py).
// The values below are worked by hand from those definitions; the comments show the working.

const t = (s: string) => s.split(" ");

describe("brevity penalty and closest reference length (NLTK brevity_penalty, closest_ref_length)", () => {
  it("is 0 for an empty hypothesis, even against an empty reference", () => {
    // NLTK: `if c > r: return 1; elif c == 0: return 0` (c = 0 = r is not c > r).
    expect(brevityPenalty(0, 0)).toBe(0);
    expect(brevityPenalty(3, 0)).toBe(0);
    expect(brevityPenalty(2, 4)).toBe(1);
    expect(brevityPenalty(4, 2)).toBeCloseTo(Math.exp(-1), 15);
  });

  it("picks the closest reference length, ties to the shorter, an empty reference included", () => {
    // min over (|len_r − len_h|, len_r): for |h| = 1, (1, 0) beats (1, 2).
    expect(closestRefLength([[], t("a b")], 1)).toBe(0);
    expect(closestRefLength([t("a b"), []], 1)).toBe(0);
    expect(closestRefLength([[], t("a")], 1)).toBe(1);
    expect(closestRefLength([t("a b c"), t("a")], 2)).toBe(1);
  });

  it("so a one-word hypothesis against an empty and a two-word reference is not penalised", () => {
    // r = 0 (closest, shorter on the tie), c = 1 > r → BP = 1; p1 = 1/1 → BLEU = 1.
    expect(sentenceBleu([[], t("a b")], t("a"), { weights: [1] })).toBe(1);
  });
});

describe("corpus BLEU's early zero (NLTK corpus_bleu: `if p_numerators[1] == 0: return 0`)", () => {
  it("is exactly 0 when no unigram matches, before and regardless of smoothing", () => {
    for (const fn of [undefined, smoothing.method1, smoothing.method3, smoothing.method4])
      expect(sentenceBleu([t("a b c")], t("x y z"), { smoothing: fn })).toBe(0);
  });

  it("is 0 for an empty corpus, whose statistics are all zero", () => {
    expect(corpusBleu([], [])).toBe(0);
    expect(bleuStats([], [])).toEqual({
      numerators: [0, 0, 0, 0],
      denominators: [0, 0, 0, 0],
      hypLengths: 0,
      refLengths: 0,
      segments: 0,
      lastReferences: [],
      lastHypothesis: [],
    });
  });
});

describe("auto_reweigh (uniform weights over a hypothesis shorter than 4, default weights only)", () => {
  // h = a b z, r = a b c d: p1 = 2/3, p2 = 1/2 (ab yes, bz no), p3 = 0/1 → method1 0.1/1.
  // BP = exp(1 − 4/3).
  const h = t("a b z");
  const r = [t("a b c d")];
  const bp = Math.exp(1 - 4 / 3);

  it("weights the orders up to the hypothesis length by 1/length", () => {
    // w = (1/3, 1/3, 1/3): BP · (2/3 · 1/2 · 0.1)^(1/3).
    expect(sentenceBleu(r, h, { autoReweigh: true, smoothing: smoothing.method1 })).toBeCloseTo(
      bp * Math.cbrt(1 / 30),
      14,
    );
  });

  it("leaves weights the caller chose alone, even a prefix of the default", () => {
    const prefix = sentenceBleu(r, h, {
      autoReweigh: true,
      weights: [0.25, 0.25],
      smoothing: smoothing.method1,
    });
    expect(prefix).toBeCloseTo(bp * Math.exp(0.25 * Math.log(2 / 3) + 0.25 * Math.log(1 / 2)), 14);
    const four = [0.25, 0.5, 0.125, 0.125];
    // p4: the hypothesis has no 4-gram, denominator max(1, 0) = 1 → method1 0.1/1.
    const expected = bp * Math.exp(0.25 * Math.log(2 / 3) + 0.5 * Math.log(1 / 2) + 0.25 * Math.log(0.1));
    expect(
      sentenceBleu(r, h, { autoReweigh: true, weights: four, smoothing: smoothing.method1 }),
    ).toBeCloseTo(expected, 14);
  });
});

describe("smoothing methods called directly", () => {
  it("method4 smooths nothing when the hypothesis has at most one token (NLTK: `hyp_len > 1`)", () => {
    const p = [
      { numerator: 1, denominator: 1 },
      { numerator: 0, denominator: 1 },
    ];
    expect(smoothing.method4(p, { references: [t("a")], hypothesis: t("a"), hypLength: 1 })).toEqual(p);
    // Two tokens: the first zero order becomes ln(2) / (2 · 5 · 1).
    expect(smoothing.method4(p, { references: [t("a")], hypothesis: t("a b"), hypLength: 2 })).toEqual([
      p[0],
      Math.log(2) / 10,
    ]);
  });

  it("method6 interpolates orders ≥ 3 with the prior p(n−1)²/p(n−2), α = 5 (Gao & He 2013)", () => {
    // h = the cat sat on the mat, r = the cat sat on a mat: p1 = 5/6, p2 = 3/5, p3 = 2/4, p4 = 1/3.
    // p3' = (2 + 5·p2²/p1) / (4 + 5); p4' = (1 + 5·p3'²/p2) / (3 + 5); BP = 1 (6 = 6).
    const p1 = 5 / 6;
    const p2 = 3 / 5;
    const p3 = (2 + (5 * (p2 * p2)) / p1) / 9;
    const p4 = (1 + (5 * (p3 * p3)) / p2) / 8;
    const expected = Math.exp(0.25 * (Math.log(p1) + Math.log(p2) + Math.log(p3) + Math.log(p4)));
    expect(
      sentenceBleu([t("the cat sat on a mat")], t("the cat sat on the mat"), {
        smoothing: smoothing.method6,
      }),
    ).toBeCloseTo(expected, 14);
    expect(() => sentenceBleu([t("a b c")], t("a b x"), { smoothing: smoothing.method6 })).toThrow(
      /non-zero trigram precision/,
    );
    // It needs a trigram order at all: two weights are refused as such, three are enough.
    expect(() =>
      sentenceBleu([t("the cat sat on a mat")], t("the cat sat on the mat"), {
        weights: [0.5, 0.5],
        smoothing: smoothing.method6,
      }),
    ).toThrow(EvalInputError);
    expect(
      sentenceBleu([t("the cat sat on a mat")], t("the cat sat on the mat"), {
        weights: [1 / 3, 1 / 3, 1 / 3],
        smoothing: smoothing.method6,
      }),
    ).toBeCloseTo(Math.exp((Math.log(p1) + Math.log(p2) + Math.log(p3)) / 3), 14);
  });
});

describe("the weighted sum of log precisions is exact, as NLTK's math.fsum", () => {
  it("does not lose a small term between two huge ones that cancel", () => {
    // p1 = p2 = p3 = 1/2; terms ln½, 10¹⁶·ln½, −10¹⁶·ln½ sum to ln½ exactly (a plain left-to-right
    // sum loses ln½ in the second term and gives e^0 or e^−1).
    const stats: BleuStats = {
      numerators: [1, 1, 1, 0],
      denominators: [2, 2, 2, 1],
      hypLengths: 10,
      refLengths: 10,
      segments: 1,
      lastReferences: [],
      lastHypothesis: [],
    };
    expect(bleuFromStats(stats, { weights: [1, 1e16, -1e16] })).toBe(0.5);
    expect(bleuFromStats(stats, { weights: [1e16, -1e16, 1] })).toBe(0.5);
    expect(bleuFromStats(stats, { weights: [1e16, 1, -1e16] })).toBe(0.5);
  });
});

describe("input errors", () => {
  it("refuses weights with a non-finite entry anywhere in the list", () => {
    expect(() => sentenceBleu([t("a")], t("a"), { weights: [0.5, Number.NaN] })).toThrow(
      /BLEU weights must be a non-empty list of finite numbers/,
    );
    expect(() => corpusBleu([[t("a")]], [t("a")], { weights: [Number.POSITIVE_INFINITY, 0.5] })).toThrow(
      EvalInputError,
    );
  });

  it("refuses a corpus whose reference lists and hypotheses differ in number", () => {
    expect(() => corpusBleu([[t("a")], [t("b")]], [t("a")])).toThrow(
      "BLEU needs one reference list per hypothesis: got 1 hypotheses and 2 reference lists",
    );
  });

  it("refuses statistics of a lower order than the weights need", () => {
    const stats = bleuStats([[t("a b")]], [t("a b")], 2);
    expect(bleuFromStats(stats, { weights: [0.5, 0.5] })).toBe(1);
    expect(() => bleuFromStats(stats)).toThrow("BLEU statistics go to order 2, the weights need 4");
  });
});
