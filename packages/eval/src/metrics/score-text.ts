import { EvalInputError } from "../errors/index.js";
import { pySplit } from "../text/python-text.js";
import { bleuFromStats, bleuStats, smoothing } from "./bleu.js";
import { meteor } from "./meteor.js";
import { type RougeScore, rougeFromTokens, rougeTokensBoth } from "./rouge.js";
import { sacreCorpusBleu, sacreSentenceBleu } from "./sacrebleu.js";
import { squadExactMatch, squadF1 } from "./squad.js";
import { exactMatch } from "./text-checks.js";
import type { WordNet } from "./wordnet.js";

/** A hypothesis with its references, the unit `keel-eval score` reads. */
export interface TextCase {
  id?: string | number;
  hypothesis: string;
  references: readonly string[];
}

/** Every reference-based text metric for one case (the keys of `keel-eval score`'s output lines). */
export interface TextScores {
  bleu: number;
  bleu_smooth1: number;
  bleu_smooth4: number;
  /** `null` when every reference is empty, which sacrebleu refuses. */
  sacrebleu: number | null;
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
  rouge1_stem: RougeScore;
  rouge2_stem: RougeScore;
  rougeL_stem: RougeScore;
  meteor: number;
  exact_match: number;
  squad_em: number;
  squad_f1: number;
}

/** Corpus-level BLEU figures over many cases (`keel-eval score --corpus`). */
export interface CorpusTextScores {
  bleu: number;
  bleu_smooth1: number;
  bleu_smooth4: number;
  /** `null` when some case has only empty references, which sacrebleu refuses. */
  sacrebleu: number | null;
}

function checkCase(c: TextCase, where: string): void {
  if (typeof c.hypothesis !== "string") throw new EvalInputError(`${where}: "hypothesis" must be a string`);
  if (!Array.isArray(c.references) || c.references.length === 0)
    throw new EvalInputError(`${where}: "references" must be a non-empty list of strings`);
  c.references.forEach((r, i) => {
    if (typeof r !== "string") throw new EvalInputError(`${where}: references[${i}] must be a string`);
  });
}

/**
 * Scores one case with every text metric: NLTK BLEU on whitespace tokens (no smoothing, method1,
 * method4), sacreBLEU (13a, sentence, 0–100), ROUGE-1/2/L with and without stemming, METEOR
 * (`wordnet: null` gives the exact + stem variant), strict exact match, SQuAD EM and F1.
 */
export function scoreText(c: TextCase, options: { wordnet: WordNet | null }): TextScores {
  checkCase(c, c.id === undefined ? "case" : `case ${c.id}`);
  const hyp = pySplit(c.hypothesis);
  const refs = c.references.map(pySplit);
  const stats = bleuStats([refs], [hyp]);
  const hypTokens = rougeTokensBoth(c.hypothesis);
  const refTokens = c.references.map(rougeTokensBoth);
  const plain = rougeFromTokens(
    hypTokens.plain,
    refTokens.map((t) => t.plain),
  );
  const stemmed = rougeFromTokens(
    hypTokens.stemmed,
    refTokens.map((t) => t.stemmed),
  );
  return {
    bleu: bleuFromStats(stats),
    bleu_smooth1: bleuFromStats(stats, { smoothing: smoothing.method1 }),
    bleu_smooth4: bleuFromStats(stats, { smoothing: smoothing.method4 }),
    sacrebleu: c.references.every((r) => r === "")
      ? null
      : sacreSentenceBleu(c.hypothesis, c.references).score,
    rouge1: plain.rouge1!,
    rouge2: plain.rouge2!,
    rougeL: plain.rougeL!,
    rouge1_stem: stemmed.rouge1!,
    rouge2_stem: stemmed.rouge2!,
    rougeL_stem: stemmed.rougeL!,
    meteor: meteor(refs, hyp, { wordnet: options.wordnet }),
    exact_match: exactMatch(c.hypothesis, c.references),
    squad_em: squadExactMatch(c.hypothesis, c.references),
    squad_f1: squadF1(c.hypothesis, c.references),
  };
}

/** Corpus BLEU (NLTK, three smoothings) and corpus sacreBLEU over the cases in order. */
export function scoreTextCorpus(cases: readonly TextCase[]): CorpusTextScores {
  cases.forEach((c, i) => {
    checkCase(c, `case ${c.id ?? i}`);
  });
  const hyps = cases.map((c) => pySplit(c.hypothesis));
  const refs = cases.map((c) => c.references.map(pySplit));
  const stats = bleuStats(refs, hyps);
  return {
    bleu: bleuFromStats(stats),
    bleu_smooth1: bleuFromStats(stats, { smoothing: smoothing.method1 }),
    bleu_smooth4: bleuFromStats(stats, { smoothing: smoothing.method4 }),
    sacrebleu: cases.some((c) => c.references.every((r) => r === ""))
      ? null
      : sacreCorpusBleu(
          cases.map((c) => c.hypothesis),
          cases.map((c) => c.references),
        ).score,
  };
}
