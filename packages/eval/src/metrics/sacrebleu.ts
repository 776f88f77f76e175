import { EvalInputError } from "../errors/index.js";
import { pyRstrip, pySplit } from "../text/python-text.js";
import { countIdNgrams, internTokens } from "./ngrams.js";
import { tokenize13a } from "./tokenizer-13a.js";

/** sacrebleu's smoothing methods; `exp` (NIST geometric) is its default. */
export type SacreBleuSmoothing = "exp" | "floor" | "add-k" | "none";

/** Options of the sacrebleu-compatible BLEU. */
export interface SacreBleuOptions {
  /** Default `exp`. */
  smoothMethod?: SacreBleuSmoothing;
  /** `floor`: default 0.1; `add-k`: default 1. */
  smoothValue?: number;
  /** Lowercase before tokenizing (sacrebleu `lowercase`), default false. */
  lowercase?: boolean;
  /** `13a` (default) or `none` (split on whitespace only). */
  tokenize?: "13a" | "none";
  /** Average only over orders up to the last one with n-grams (default true for sentences, false for corpora, as in sacrebleu). */
  effectiveOrder?: boolean;
  /** Highest n-gram order, default 4. */
  maxNgramOrder?: number;
}

/** A sacrebleu score (0–100) with its sufficient statistics. */
export interface SacreBleuScore {
  score: number;
  /** Matched n-grams per order. */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  /** Precision per order, 0–100. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

const SMOOTH_DEFAULTS: Record<SacreBleuSmoothing, number | undefined> = {
  none: undefined,
  floor: 0.1,
  "add-k": 1,
  exp: undefined,
};

/** sacrebleu's `my_log`: log with log(0) = -9999999999. */
const myLog = (x: number) => (x === 0 ? -9999999999 : Math.log(x));

function preprocess(sentence: string, options: SacreBleuOptions): string {
  const s = options.lowercase ? sentence.toLowerCase() : sentence;
  const stripped = pyRstrip(s);
  return (options.tokenize ?? "13a") === "13a" ? tokenize13a(stripped) : stripped;
}

function tokensOf(line: string): string[] {
  return pySplit(line);
}

/** Segment statistics: [hypLen, refLen, correct×N, total×N]. */
function segmentStats(
  hypothesis: string,
  references: readonly string[],
  options: SacreBleuOptions,
  segment: number,
) {
  const order = options.maxNgramOrder ?? 4;
  const refs = references.filter((r) => r !== "");
  if (refs.length === 0)
    throw new EvalInputError(
      `sacreBLEU segment ${segment}: every reference is empty (sacrebleu refuses these)`,
    );
  const refTokens = refs.map((ref) => tokensOf(preprocess(ref, options)));
  const hyp = tokensOf(preprocess(hypothesis, options));
  const { ids, base } = internTokens([hyp, ...refTokens]);
  const refLens = refTokens.map((t) => t.length);
  let refLen = -1;
  let closest = -1;
  for (const len of refLens) {
    const diff = Math.abs(hyp.length - len);
    if (closest === -1 || diff < closest) {
      closest = diff;
      refLen = len;
    } else if (diff === closest && len < refLen) refLen = len;
  }
  const correct = new Array<number>(order).fill(0);
  const total = new Array<number>(order).fill(0);
  for (let n = 1; n <= order; n++) {
    const hypCounts = countIdNgrams(ids[0]!, n, base);
    if (hypCounts.size === 0) continue;
    // Reference n-gram counts are the max over references, as sacrebleu merges them.
    const refMax = new Map<number | string, number>();
    for (let r = 1; r < ids.length; r++)
      for (const [gram, c] of countIdNgrams(ids[r]!, n, base))
        if (c > (refMax.get(gram) ?? 0)) refMax.set(gram, c);
    for (const [gram, c] of hypCounts) {
      total[n - 1]! += c;
      const r = refMax.get(gram);
      if (r !== undefined) correct[n - 1]! += Math.min(c, r);
    }
  }
  return { sysLen: hyp.length, refLen, correct, total };
}

/** sacrebleu's `BLEU.compute_bleu` from sufficient statistics. */
export function sacreBleuFromStats(
  stats: { correct: number[]; total: number[]; sysLen: number; refLen: number },
  options: SacreBleuOptions & { effectiveOrder: boolean },
): SacreBleuScore {
  const method = options.smoothMethod ?? "exp";
  if (!(method in SMOOTH_DEFAULTS))
    throw new EvalInputError(`unknown sacreBLEU smoothing method "${method}"`);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const order = options.maxNgramOrder ?? 4;
  const correct = [...stats.correct];
  const total = [...stats.total];
  const { sysLen, refLen } = stats;
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(order).fill(0);
  const base = { counts: correct, totals: total, precisions, bp, sysLen, refLen };
  if (!correct.some((c) => c !== 0)) return { score: 0, ...base };
  let smoothMteval = 1;
  let effOrder = order;
  for (let n = 1; n <= order; n++) {
    if (method === "add-k" && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (method === "exp") {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (method === "floor") precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
    } else precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
  }
  let sum = 0;
  for (let i = 0; i < effOrder; i++) sum += myLog(precisions[i]!);
  return { score: bp * Math.exp(sum / effOrder), ...base };
}

/**
 * Sentence BLEU as sacrebleu 2.x's `sentence_bleu(hypothesis, references)` computes it: 13a
 * tokens, `exp` smoothing, effective order. Returns 0–100. Empty references are ignored; all empty throws.
 */
export function sacreSentenceBleu(
  hypothesis: string,
  references: readonly string[],
  options: SacreBleuOptions = {},
): SacreBleuScore {
  const stats = segmentStats(hypothesis, references, options, 0);
  return sacreBleuFromStats(stats, { ...options, effectiveOrder: options.effectiveOrder ?? true });
}

/**
 * Corpus BLEU as sacrebleu 2.x's `corpus_bleu` computes it: statistics summed over segments,
 * `exp` smoothing, no effective order. `references[i]` holds every reference of hypothesis i
 * (sacrebleu's reference streams, transposed). Returns 0–100.
 */
export function sacreCorpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: SacreBleuOptions = {},
): SacreBleuScore {
  if (hypotheses.length !== references.length)
    throw new EvalInputError(
      `sacreBLEU needs one reference list per hypothesis: got ${hypotheses.length} and ${references.length}`,
    );
  const order = options.maxNgramOrder ?? 4;
  const sum = {
    correct: new Array<number>(order).fill(0),
    total: new Array<number>(order).fill(0),
    sysLen: 0,
    refLen: 0,
  };
  hypotheses.forEach((h, i) => {
    const s = segmentStats(h, references[i]!, options, i);
    sum.sysLen += s.sysLen;
    sum.refLen += s.refLen;
    for (let n = 0; n < order; n++) {
      sum.correct[n]! += s.correct[n]!;
      sum.total[n]! += s.total[n]!;
    }
  });
  return sacreBleuFromStats(sum, { ...options, effectiveOrder: options.effectiveOrder ?? false });
}
