import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { sacreBleuFromStats, sacreCorpusBleu, sacreSentenceBleu } from "./sacrebleu.js";

// Definitions: /work/shared/notes/eval-metrics.md §1.3, §1.6 (sacrebleu 2.x metrics/bleu.py
// compute_bleu, corpus_score). Worked by hand; sacrebleu's own examples are in published-examples.

describe("sacreBLEU on a worked example", () => {
  // hyp "the cat sat on the mat", ref "the cat is on the mat" (13a leaves both as they are):
  // 1-grams 5/6 (sat), 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4 (on the mat),
  // 4-grams 0/3; lengths 6 and 6, so BP = 1.
  const hyp = "the cat sat on the mat";
  const ref = ["the cat is on the mat"];
  const geo = (ps: number[]) => Math.exp(ps.reduce((s, p) => s + Math.log(p), 0) / ps.length);

  it("reports counts, totals, precisions, lengths and BP beside the score", () => {
    const s = sacreSentenceBleu(hyp, ref);
    // exp (default): the first zero order becomes 100 / (2 · total) = 100/6.
    const precisions = [500 / 6, 60, 25, 100 / 6];
    expect(s).toEqual({
      score: expect.closeTo(geo(precisions), 12),
      counts: [5, 3, 1, 0],
      totals: [6, 5, 4, 3],
      precisions: precisions.map((p) => expect.closeTo(p, 12)),
      bp: 1,
      sysLen: 6,
      refLen: 6,
    });
  });

  it("smooths the zero order as each method says", () => {
    // floor: 100 · 0.1 / 3; with value 0.5: 100 · 0.5 / 3.
    expect(sacreSentenceBleu(hyp, ref, { smoothMethod: "floor" }).score).toBeCloseTo(
      geo([500 / 6, 60, 25, 10 / 3]),
      12,
    );
    expect(
      sacreSentenceBleu(hyp, ref, { smoothMethod: "floor", smoothValue: 0.5 }).precisions[3],
    ).toBeCloseTo(50 / 3, 12);
    // add-k (k = 1) adds to orders ≥ 2 only: 5/6, 4/6, 2/5, 1/4.
    expect(sacreSentenceBleu(hyp, ref, { smoothMethod: "add-k" }).score).toBeCloseTo(
      geo([500 / 6, 400 / 6, 40, 25]),
      12,
    );
    // none: my_log(0) = −9999999999, so the score is 0.
    expect(sacreSentenceBleu(hyp, ref, { smoothMethod: "none" }).score).toBe(0);
    // … whatever smoothValue is passed: only floor and add-k read it.
    expect(sacreSentenceBleu(hyp, ref, { smoothMethod: "none", smoothValue: 0.5 }).score).toBe(0);
    // exp counts the zero orders seen: a b x c against a b c d has 3-grams 0/2 and 4-grams 0/1,
    // which become 100/(2·2) and 100/(4·1).
    const twoZeros = sacreSentenceBleu("a b x c", ["a b c d"]);
    expect(twoZeros.counts).toEqual([3, 1, 0, 0]);
    expect(twoZeros.precisions).toEqual([75, 100 / 3, 100 / 4, 100 / 4]);
  });

  it("refuses an unknown smoothing method", () => {
    expect(() => sacreSentenceBleu(hyp, ref, { smoothMethod: "laplace" as "exp" })).toThrow(
      'unknown sacreBLEU smoothing method "laplace"',
    );
  });
});

describe("references", () => {
  it("takes each n-gram's count from the reference that has most of it", () => {
    // hyp a a b: 'a' clipped to 2 (second reference), 'b' from the first; 2-grams a a (2nd), a b (1st).
    const s = sacreSentenceBleu("a a b", ["a b", "a a"], { tokenize: "none" });
    expect(s.counts.slice(0, 2)).toEqual([3, 2]);
  });

  it("uses the closest reference length, ties to the shorter", () => {
    // |h| = 2; references of 1 and 3 tokens are both 1 away: refLen 1, so no penalty.
    const s = sacreSentenceBleu("a b", ["a", "a b c"], { tokenize: "none" });
    expect([s.refLen, s.bp, s.score]).toEqual([1, 1, expect.closeTo(100, 12)]);
    expect(sacreSentenceBleu("a b", ["a b c", "a"], { tokenize: "none" }).refLen).toBe(1);
    // |h| = 2 against 4: BP = exp(1 − 4/2).
    expect(sacreSentenceBleu("a b", ["a b c d", "x y z w v u"], { tokenize: "none" }).bp).toBeCloseTo(
      Math.exp(-1),
      15,
    );
  });

  it("ignores empty references and refuses a segment whose references are all empty", () => {
    expect(sacreSentenceBleu("a b", ["", "a b"], { tokenize: "none" }).score).toBeCloseTo(100, 12);
    expect(() => sacreSentenceBleu("a", ["", ""])).toThrow(EvalInputError);
    expect(() => sacreCorpusBleu(["a", "b"], [["a"], [""]])).toThrow(
      "sacreBLEU segment 1: every reference is empty (sacrebleu refuses these)",
    );
  });

  it("lowercases only when asked, and strips trailing whitespace", () => {
    expect(sacreSentenceBleu("The Cat", ["the cat"]).score).toBe(0);
    expect(sacreSentenceBleu("The Cat", ["the cat"], { lowercase: true }).score).toBeCloseTo(100, 12);
    // Python's str.lower(), not a case fold: "STRASSE" lowers to "strasse", which is not "straße".
    expect(sacreSentenceBleu("straße", ["STRASSE"], { lowercase: true }).score).toBe(0);
    expect(sacreSentenceBleu("a b \n", ["a b"], { tokenize: "none" }).sysLen).toBe(2);
  });
});

describe("sentence versus corpus", () => {
  it("averages over the orders that have n-grams in a sentence, over all four in a corpus", () => {
    // "a b" against itself: orders 1 and 2 are 100%, orders 3 and 4 have no n-gram.
    expect(sacreSentenceBleu("a b", ["a b"]).score).toBeCloseTo(100, 12);
    // corpus_bleu: no effective order, so the missing orders count as my_log(0).
    expect(sacreCorpusBleu(["a b"], [["a b"]]).score).toBe(0);
    expect(sacreCorpusBleu(["a b"], [["a b"]], { effectiveOrder: true }).score).toBeCloseTo(100, 12);
    expect(sacreSentenceBleu("a b", ["a b"], { effectiveOrder: false }).score).toBe(0);
  });

  it("sums statistics over segments before scoring", () => {
    const s = sacreCorpusBleu(["a b c d", "x y"], [["a b c d"], ["x z"]], { tokenize: "none" });
    expect([s.counts, s.totals, s.sysLen, s.refLen]).toEqual([[5, 3, 2, 1], [6, 4, 2, 1], 6, 6]);
    expect(s.score).toBeCloseTo(
      Math.exp((Math.log(500 / 6) + Math.log(75) + Math.log(100) + Math.log(100)) / 4),
      12,
    );
    expect(() => sacreCorpusBleu(["a"], [])).toThrow(
      "sacreBLEU needs one reference list per hypothesis: got 1 and 0",
    );
  });

  it("goes to the n-gram order asked for", () => {
    const s = sacreSentenceBleu("a b c", ["a b c"], { maxNgramOrder: 2 });
    expect([s.counts, s.totals]).toEqual([
      [3, 2],
      [3, 2],
    ]);
    const corpus = sacreCorpusBleu(["a b c"], [["a b c"]], { maxNgramOrder: 3 });
    expect([corpus.counts, corpus.score]).toEqual([[3, 2, 1], expect.closeTo(100, 12)]);
  });
});

describe("sacreBleuFromStats", () => {
  it("is 0 with BP 0 for an empty hypothesis, and stops at the first order without n-grams", () => {
    const empty = sacreBleuFromStats(
      { correct: [0, 0, 0, 0], total: [0, 0, 0, 0], sysLen: 0, refLen: 3 },
      { effectiveOrder: true },
    );
    expect([empty.score, empty.bp]).toEqual([0, 0]);
    // compute_bp: `if hyp_len < ref_len` only, so two empty sides have BP 1.
    const none = sacreBleuFromStats(
      { correct: [0, 0, 0, 0], total: [0, 0, 0, 0], sysLen: 0, refLen: 0 },
      { effectiveOrder: true },
    );
    expect([none.score, none.bp]).toEqual([0, 1]);
    // Orders 3 and 4 have no n-grams: with effective order the mean is over orders 1 and 2.
    const s = sacreBleuFromStats(
      { correct: [2, 1, 0, 0], total: [2, 1, 0, 0], sysLen: 2, refLen: 2 },
      { effectiveOrder: true },
    );
    expect([s.score, s.precisions]).toEqual([expect.closeTo(100, 12), [100, 100, 0, 0]]);
  });
});
