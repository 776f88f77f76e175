import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { pySplit } from "../text/python-text.js";
import { corpusBleu, sentenceBleu, smoothing } from "./bleu.js";
import { meteor } from "./meteor.js";
import { rouge } from "./rouge.js";
import { sacreCorpusBleu, sacreSentenceBleu } from "./sacrebleu.js";
import { scoreText, scoreTextCorpus, type TextCase } from "./score-text.js";
import { squadExactMatch, squadF1 } from "./squad.js";
import type { WordNet } from "./wordnet.js";

const noWordNet = { wordnet: null } as const;

/** Every metric of one case computed on its own, as `keel-eval score` documents its keys. */
function expected(c: TextCase, wordnet: WordNet | null = null) {
  const hyp = pySplit(c.hypothesis);
  const refs = c.references.map(pySplit);
  const plain = rouge(c.hypothesis, c.references);
  const stemmed = rouge(c.hypothesis, c.references, { stem: true });
  return {
    bleu: sentenceBleu(refs, hyp),
    bleu_smooth1: sentenceBleu(refs, hyp, { smoothing: smoothing.method1 }),
    bleu_smooth4: sentenceBleu(refs, hyp, { smoothing: smoothing.method4 }),
    sacrebleu: sacreSentenceBleu(c.hypothesis, c.references).score,
    rouge1: plain.rouge1,
    rouge2: plain.rouge2,
    rougeL: plain.rougeL,
    rouge1_stem: stemmed.rouge1,
    rouge2_stem: stemmed.rouge2,
    rougeL_stem: stemmed.rougeL,
    meteor: meteor(refs, hyp, { wordnet }),
    exact_match: c.references.includes(c.hypothesis) ? 1 : 0,
    squad_em: squadExactMatch(c.hypothesis, c.references),
    squad_f1: squadF1(c.hypothesis, c.references),
  };
}

describe("scoreText: every text metric of one case", () => {
  it("scores an exact copy of a reference 1 (100 for sacreBLEU) on every metric", () => {
    const s = scoreText(
      { hypothesis: "the cat sat on the mat", references: ["a dog", "the cat sat on the mat"] },
      noWordNet,
    );
    const full = { p: 1, r: 1, f: 1 };
    expect(s).toMatchObject({
      bleu: 1,
      bleu_smooth1: 1,
      bleu_smooth4: 1,
      rouge1: full,
      rouge2: full,
      rougeL: full,
      rouge1_stem: full,
      rouge2_stem: full,
      rougeL_stem: full,
      exact_match: 1,
      squad_em: 1,
      squad_f1: 1,
    });
    expect(s.sacrebleu).toBeCloseTo(100, 10);
    // METEOR's fragmentation penalty keeps a perfect match just under 1: 1 − 0.5 × (1/6)³.
    expect(s.meteor).toBeCloseTo(1 - 0.5 / 216, 12);
  });

  it("reports each metric under its own key: unsmoothed and smoothed BLEU, plain and stemmed ROUGE", () => {
    const c: TextCase = {
      id: "q1",
      hypothesis: "The cats were running quickly home",
      references: ["the cat runs home quickly", "cats ran to their home"],
    };
    const s = scoreText(c, noWordNet);
    expect(s).toEqual(expected(c));
    // The case tells the variants apart: no 4-gram matches, so unsmoothed BLEU is all but 0 (NLTK's
    // tiny float for a zero precision) and smoothing lifts it; only stemming matches "cats"/"cat".
    expect(s.bleu).toBeLessThan(1e-100);
    expect(s.bleu_smooth1).toBeGreaterThan(0.01);
    expect(s.bleu_smooth4).toBeGreaterThan(0.01);
    expect(s.bleu_smooth4).not.toBeCloseTo(s.bleu_smooth1, 6);
    expect(s.rouge1_stem.f).toBeGreaterThan(s.rouge1.f);
    expect(s.rougeL_stem.f).toBeGreaterThan(s.rougeL.f);
    expect(s.rouge2_stem.f).toBeGreaterThan(s.rouge2.f);
    expect(s.exact_match).toBe(0);
  });

  it("counts exact match strictly while SQuAD's normalises case and punctuation", () => {
    const c: TextCase = { hypothesis: "Paris.", references: ["paris", "Lyon"] };
    const s = scoreText(c, noWordNet);
    expect(s).toEqual(expected(c));
    expect([s.exact_match, s.squad_em, s.squad_f1]).toEqual([0, 1, 1]);
  });

  it("matches synonyms in METEOR only with a WordNet", () => {
    const wordnet: WordNet = { lemmaNames: (w) => (w === "auto" || w === "car" ? ["car", "auto"] : []) };
    const c: TextCase = { hypothesis: "my auto", references: ["my car"] };
    const withSynonyms = scoreText(c, { wordnet });
    expect(withSynonyms).toEqual(expected(c, wordnet));
    expect(withSynonyms.meteor).toBeGreaterThan(scoreText(c, noWordNet).meteor);
  });

  it("gives sacreBLEU null only when every reference is empty (sacrebleu ignores empty ones)", () => {
    expect(scoreText({ hypothesis: "a b", references: ["", ""] }, noWordNet).sacrebleu).toBeNull();
    const some = scoreText({ hypothesis: "a b", references: ["", "a b"] }, noWordNet);
    expect(some.sacrebleu).toBeCloseTo(100, 10);
  });

  it("names the case and what is wrong with it", () => {
    const bad = (c: unknown) => () => scoreText(c as TextCase, noWordNet);
    expect(bad({ hypothesis: 3, references: ["a"] })).toThrow(
      new EvalInputError('case: "hypothesis" must be a string'),
    );
    expect(bad({ id: 7, hypothesis: null, references: ["a"] })).toThrow(
      new EvalInputError('case 7: "hypothesis" must be a string'),
    );
    expect(bad({ id: "x", hypothesis: "a", references: [] })).toThrow(
      new EvalInputError('case x: "references" must be a non-empty list of strings'),
    );
    expect(bad({ id: "x", hypothesis: "a", references: "a" })).toThrow(
      new EvalInputError('case x: "references" must be a non-empty list of strings'),
    );
    expect(bad({ id: "x", hypothesis: "a", references: ["a", 2] })).toThrow(
      new EvalInputError("case x: references[1] must be a string"),
    );
  });
});

describe("scoreTextCorpus: corpus BLEU over many cases", () => {
  const cases: TextCase[] = [
    { hypothesis: "the cat sat on the mat", references: ["the cat is on the mat", "a cat sat on a mat"] },
    { hypothesis: "it is raining today", references: ["today it rains"] },
    { hypothesis: "one two three four five", references: ["one two three four six"] },
  ];

  it("sums the statistics over the cases: NLTK corpus BLEU (three smoothings) and corpus sacreBLEU", () => {
    const refs = cases.map((c) => c.references.map(pySplit));
    const hyps = cases.map((c) => pySplit(c.hypothesis));
    const s = scoreTextCorpus(cases);
    expect(s).toEqual({
      bleu: corpusBleu(refs, hyps),
      bleu_smooth1: corpusBleu(refs, hyps, { smoothing: smoothing.method1 }),
      bleu_smooth4: corpusBleu(refs, hyps, { smoothing: smoothing.method4 }),
      sacrebleu: sacreCorpusBleu(
        cases.map((c) => c.hypothesis),
        cases.map((c) => c.references),
      ).score,
    });
    expect(s.bleu).toBeGreaterThan(0.1);
  });

  it("tells the smoothings apart when some n-gram order has no match in the whole corpus", () => {
    const s = scoreTextCorpus([{ hypothesis: "a b c d", references: ["a b x d"] }]);
    expect(s.bleu).toBeLessThan(1e-100);
    expect(s.bleu_smooth1).toBeGreaterThan(0.01);
    expect(s.bleu_smooth4).toBeGreaterThan(0.01);
    expect(s.bleu_smooth4).not.toBeCloseTo(s.bleu_smooth1, 6);
  });

  it("gives sacreBLEU null when some case has only empty references", () => {
    expect(scoreTextCorpus([...cases, { hypothesis: "x", references: [""] }]).sacrebleu).toBeNull();
    expect(scoreTextCorpus([...cases, { hypothesis: "x", references: ["", "x"] }]).sacrebleu).toBeGreaterThan(
      0,
    );
  });

  it("names a bad case by its id, or by its position", () => {
    expect(() => scoreTextCorpus([...cases, { hypothesis: "x", references: [] }])).toThrow(
      new EvalInputError('case 3: "references" must be a non-empty list of strings'),
    );
    expect(() =>
      scoreTextCorpus([{ id: "last", hypothesis: 1 as unknown as string, references: ["x"] }]),
    ).toThrow(new EvalInputError('case last: "hypothesis" must be a string'));
  });
});
