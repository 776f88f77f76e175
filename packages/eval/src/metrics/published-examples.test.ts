import { describe, expect, it } from "vitest";
import { rouge } from "./rouge.js";
import { sacreBleuFromStats, sacreCorpusBleu, sacreSentenceBleu } from "./sacrebleu.js";
import { tokenize13a } from "./tokenizer-13a.js";

// sacrebleu and rouge-score cannot be installed here, so besides the transcription check in
// reference-agreement.test.ts these are the worked examples their own test suites assert:
// mjpost/sacrebleu (2.x) test/test_bleu.py and test/test_sentence_bleu.py; google-research
// rouge/rouge_scorer_test.py (values from ROUGE-1.5.5, to 5 places) on rouge/testdata.

describe("sacrebleu's published examples", () => {
  const refs = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
  ];
  const hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
  // sacrebleu takes reference streams; ours takes the references of each hypothesis.
  const perHyp = hyps.map((_, i) => refs.map((stream) => stream[i]!));

  it("corpus BLEU (test_bleu.py test_corpus_bleu)", () => {
    expect(sacreCorpusBleu(hyps, perHyp).score).toBeCloseTo(48.530827, 6);
    expect(sacreCorpusBleu(["", "", ""], perHyp).score).toBe(0);
    expect(sacreCorpusBleu(hyps, perHyp, { tokenize: "none" }).score).toBeCloseTo(49.1919566, 6);
    expect(sacreCorpusBleu(hyps, perHyp, { smoothMethod: "none" }).score).toBeCloseTo(48.530827, 6);
  });

  it("raw corpus BLEU with floor 0.01 and effective order (test_raw_bleu, test_effective_order)", () => {
    const raw = (h: string[], r: string[]) =>
      sacreCorpusBleu(
        h,
        h.map((_, i) => [r[i]!]),
        { smoothMethod: "floor", smoothValue: 0.01, tokenize: "none", effectiveOrder: true },
      ).score / 100;
    // sacrebleu 2.x returns 0 when no n-gram matches (#141); 1.x gave 0.0038 here.
    expect(raw(["this is a test", "another test"], ["ref1", "ref2"])).toBe(0);
    expect(raw(["this is a test"], ["this is a test"])).toBeCloseTo(1, 8);
    expect(raw(["this is a fest"], ["this is a test"])).toBeCloseTo(0.223606797749979, 8);
    expect(raw(["test"], ["a test"])).toBeCloseTo(0.3678794411714425, 8);
    expect(raw(["a test"], ["a test"])).toBeCloseTo(1, 8);
    expect(raw(["a little test"], ["a test"])).toBeCloseTo(0.03218297948685433, 8);
  });

  it("floor smoothing offsets and maximum n-gram order (test_offset, test_max_ngram_order)", () => {
    const h = ["am I am a character sequence"];
    const r = [["I am a symbol string sequence a a"]];
    const floor = (smoothValue?: number) =>
      sacreCorpusBleu(h, r, { smoothMethod: "floor", tokenize: "none", effectiveOrder: true, smoothValue })
        .score / 100;
    expect(floor(0)).toBe(0);
    expect(floor(undefined)).toBeCloseTo(0.1555722182, 8);
    const expected = ["77.65", "60.50", "53.93", "48.53", "46.14", "43.28"];
    expected.forEach((v, i) => {
      expect(sacreCorpusBleu(hyps, perHyp, { maxNgramOrder: i + 1 }).score.toFixed(2)).toBe(v);
    });
  });

  it("statistics and scoring (test_statistics, test_scoring, test_degenerate_statistics)", () => {
    const s = sacreCorpusBleu(["am I am a character sequence"], [["I am a symbol string sequence a a"]], {
      tokenize: "none",
    });
    expect([s.counts, s.totals]).toEqual([
      [4, 2, 1, 0],
      [6, 5, 4, 3],
    ]);
    const scored = sacreBleuFromStats(
      { correct: [9, 7, 5, 3], total: [10, 8, 6, 4], sysLen: 11, refLen: 11 },
      { smoothMethod: "none", effectiveOrder: false },
    );
    expect(scored.score / 100).toBeCloseTo(0.8375922397, 9);
    for (const [correct, total, sysLen, refLen, v] of [
      [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0],
      [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0],
      [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0],
      [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0],
      [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
      [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
    ] as const)
      expect(
        sacreBleuFromStats(
          { correct: [...correct], total: [...total], sysLen, refLen },
          { smoothMethod: "floor", smoothValue: v, effectiveOrder: false },
        ).score,
      ).toBe(0);
  });

  it("sentence BLEU with each smoothing (test_sentence_bleu.py, issue #98 example)", () => {
    const REF = "producţia de zahăr brut se exprimă în zahăr alb;";
    const SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
    const cases = [
      [{ smoothMethod: "exp" }, 8.493],
      [{ smoothMethod: "none" }, 0],
      [{ smoothMethod: "floor" }, 4.51688],
      [{ smoothMethod: "floor", smoothValue: 0.1 }, 4.51688],
      [{ smoothMethod: "floor", smoothValue: 0.5 }, 10.1],
      [{ smoothMethod: "add-k" }, 14.882],
      [{ smoothMethod: "add-k", smoothValue: 1 }, 14.882],
      [{ smoothMethod: "add-k", smoothValue: 2 }, 21.389],
      [{ smoothMethod: "exp", tokenize: "none" }, 7.347],
    ] as const;
    for (const [options, expected] of cases)
      expect(Math.abs(sacreSentenceBleu(SYS, [REF], options).score - expected)).toBeLessThan(1e-3);
    for (const smoothMethod of ["exp", "none", "floor", "add-k"] as const)
      expect(sacreSentenceBleu("this is a cat", ["okay thanks"], { smoothMethod }).score).toBe(0);
  });

  it("13a splits punctuation but keeps numbers whole (output of the same regexes in Python's re)", () => {
    expect(tokenize13a("Hello, world! It's 3.14 and 1,000 -- e.g. 2-3 &amp; <skipped>x")).toBe(
      "Hello , world ! It's 3.14 and 1,000 -- e . g . 2 - 3 & x",
    );
  });
});

describe("rouge-score's published examples", () => {
  // rouge/testdata/target.txt and prediction.txt, first two lines.
  const targets = [
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
  ];
  const predictions = [
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
  ];
  const near = (s: { p: number; r: number; f: number } | undefined, r: number, p: number, f: number) => {
    expect(s!.r).toBeCloseTo(r, 5);
    expect(s!.p).toBeCloseTo(p, 5);
    expect(s!.f).toBeCloseTo(f, 5);
  };

  it("small cases (testRouge1, testRouge2, testRougeL*, testRougeEmpty)", () => {
    near(rouge("testing", "testing one two").rouge1, 1 / 3, 1, 1 / 2);
    near(rouge("testing one", "testing one two").rouge2, 1 / 2, 1, 2 / 3);
    near(rouge("testing one", "testing one two").rougeL, 2 / 3, 1, 4 / 5);
    near(rouge("testing two", "testing one two").rougeL, 2 / 3, 1, 4 / 5);
    for (const s of Object.values(rouge("", "testing one two"))) near(s, 0, 0, 0);
  });

  it("against ROUGE-1.5.5 on the test data, with and without stemming", () => {
    near(rouge(predictions[0]!, targets[0]!).rouge1, 0.40741, 0.6875, 0.51163);
    near(rouge(predictions[1]!, targets[1]!).rouge1, 0.40476, 0.65385, 0.5);
    near(rouge(predictions[0]!, targets[0]!, { stem: true }).rouge1, 0.40741, 0.6875, 0.51163);
    near(rouge(predictions[1]!, targets[1]!, { stem: true }).rouge1, 0.42857, 0.69231, 0.52941);
    near(rouge(predictions[0]!, targets[0]!).rouge2, 0.30769, 0.53333, 0.39024);
    near(rouge(predictions[1]!, targets[1]!).rouge2, 0.29268, 0.48, 0.36364);
    near(rouge(predictions[0]!, targets[0]!, { stem: true }).rouge2, 0.30769, 0.53333, 0.39024);
    near(rouge(predictions[1]!, targets[1]!, { stem: true }).rouge2, 0.29268, 0.48, 0.36364);
    near(rouge(predictions[0]!, targets[0]!).rougeL, 0.40741, 0.6875, 0.51163);
    near(rouge(predictions[1]!, targets[1]!).rougeL, 0.40476, 0.65385, 0.5);
  });

  it("several references: per type the reference with the best F, the first on ties", () => {
    const s = rouge("the cat sat", ["a dog sat there", "the cat", "the cat"]);
    near(s.rouge1, 1, 2 / 3, 0.8);
  });
});
