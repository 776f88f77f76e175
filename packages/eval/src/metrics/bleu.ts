import { EvalInputError } from "../errors/index.js";
import { countIdNgrams, countNgrams, internTokens } from "./ngrams.js";

/** A modified n-gram precision kept as NLTK keeps it: an unnormalised fraction (denominator at least 1). */
export interface Precision {
  numerator: number;
  denominator: number;
}

/** What a smoothing function receives besides the precisions (as NLTK passes them from `corpus_bleu`). */
export interface SmoothingContext {
  /** References of the last segment. */
  references: readonly (readonly string[])[];
  /** Hypothesis of the last segment. */
  hypothesis: readonly string[];
  /** Total hypothesis length over the corpus (the sentence length for `sentenceBleu`). */
  hypLength: number;
}

/** Maps precisions to smoothed values (numbers); values that stay ≤ 0 are left out of the geometric mean, as in NLTK. */
export type SmoothingFunction = (
  precisions: Precision[],
  context: SmoothingContext,
) => Array<Precision | number>;

/** Options of NLTK-compatible BLEU. */
export interface BleuOptions {
  /** N-gram weights, default (¼, ¼, ¼, ¼). */
  weights?: readonly number[];
  /** A smoothing function from `smoothing`, default `smoothing.method0` (none). */
  smoothing?: SmoothingFunction;
  /** NLTK `auto_reweigh`: uniform weights over the hypothesis length when it is shorter than 4 and the weights are the default. */
  autoReweigh?: boolean;
}

const DEFAULT_WEIGHTS = [0.25, 0.25, 0.25, 0.25] as const;
/** Python's `sys.float_info.min`, NLTK's stand-in for a zero precision without smoothing. */
const FLOAT_MIN = 2.2250738585072014e-308;

const value = (p: Precision | number): number => (typeof p === "number" ? p : p.numerator / p.denominator);

/** NLTK's `modified_precision`: clipped n-gram matches over hypothesis n-grams (denominator at least 1). */
export function modifiedPrecision(
  references: readonly (readonly string[])[],
  hypothesis: readonly string[],
  n: number,
): Precision {
  const counts = countNgrams(hypothesis, n);
  if (counts.size === 0) return { numerator: 0, denominator: 1 };
  const maxRef = new Map<string, number>();
  for (const reference of references) {
    const refCounts = countNgrams(reference, n);
    for (const gram of counts.keys()) {
      const c = refCounts.get(gram) ?? 0;
      if (c > (maxRef.get(gram) ?? 0)) maxRef.set(gram, c);
    }
  }
  let numerator = 0;
  let total = 0;
  for (const [gram, count] of counts) {
    numerator += Math.min(count, maxRef.get(gram) ?? 0);
    total += count;
  }
  return { numerator, denominator: Math.max(1, total) };
}

/** NLTK's `closest_ref_length`: the reference length closest to the hypothesis length, ties to the shorter. */
export function closestRefLength(references: readonly (readonly string[])[], hypLength: number): number {
  let best = -1;
  for (const r of references) {
    const len = r.length;
    if (
      best < 0 ||
      Math.abs(len - hypLength) < Math.abs(best - hypLength) ||
      (Math.abs(len - hypLength) === Math.abs(best - hypLength) && len < best)
    )
      best = len;
  }
  return best;
}

/** NLTK's `brevity_penalty`. */
export function brevityPenalty(closestRefLen: number, hypLen: number): number {
  if (hypLen > closestRefLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - closestRefLen / hypLen);
}

function ngramsOfOrder(tokens: readonly string[], n: number): number {
  return Math.max(0, tokens.length - n + 1);
}

/** NLTK 3.8's `SmoothingFunction` methods 0–7 (Chen & Cherry 2014), with its defaults ε = 0.1, α = 5, k = 5. */
export function smoothingFunctions(params: { epsilon?: number; alpha?: number; k?: number } = {}) {
  const epsilon = params.epsilon ?? 0.1;
  const alpha = params.alpha ?? 5;
  const k = params.k ?? 5;
  const method4: SmoothingFunction = (p, { hypothesis, hypLength }) => {
    let incvnt = 1;
    const hypLen = hypLength ? hypLength : hypothesis.length;
    return p.map((pi) => {
      if (pi.numerator === 0 && hypLen > 1) {
        const numerator = 1 / ((2 ** incvnt * k) / Math.log(hypLen));
        incvnt++;
        return numerator / pi.denominator;
      }
      return pi;
    });
  };
  const method5 = (p: Array<Precision | number>, { references, hypothesis }: SmoothingContext) => {
    const plus1 = [...p.map(value), value(modifiedPrecision(references, hypothesis, 5))];
    const out: number[] = [];
    let prev = value(p[0]!) + 1;
    for (let i = 0; i < p.length; i++) {
      const v = (prev + value(p[i]!) + plus1[i + 1]!) / 3;
      out.push(v);
      prev = v;
    }
    return out;
  };
  return {
    /** No smoothing: a zero precision becomes the smallest normal double (the score is then ≈ 0). */
    method0: ((p) => p.map((pi) => (pi.numerator !== 0 ? pi : FLOAT_MIN))) satisfies SmoothingFunction,
    /** Add ε to zero numerators. */
    method1: ((p) =>
      p.map((pi) =>
        pi.numerator === 0 ? (pi.numerator + epsilon) / pi.denominator : pi,
      )) satisfies SmoothingFunction,
    /** Add 1 to numerator and denominator of orders ≥ 2 (Lin & Och 2004). */
    method2: ((p) =>
      p.map((pi, i) =>
        i === 0 ? pi : { numerator: pi.numerator + 1, denominator: pi.denominator + 1 },
      )) satisfies SmoothingFunction,
    /** NIST geometric sequence: the k-th zero precision becomes 1 / (2^k · denominator). */
    method3: ((p) => {
      let incvnt = 1;
      return p.map((pi) => {
        if (pi.numerator !== 0) return pi;
        const v = 1 / (2 ** incvnt * pi.denominator);
        incvnt++;
        return v;
      });
    }) satisfies SmoothingFunction,
    /** NLTK 3.8's method 4: zero precisions become ln(len) / (2^k · K · denominator) when len > 1. */
    method4,
    /** Average each precision with its neighbours (orders n−1, n, n+1). */
    method5: ((p, ctx) => method5(p, ctx)) satisfies SmoothingFunction,
    /** Interpolate with a prior from the two lower orders (Gao & He 2013); needs a non-zero trigram precision. */
    method6: ((p, { hypothesis }) => {
      if (p.length < 3 || p[2]!.numerator === 0)
        throw new EvalInputError("BLEU smoothing method6 needs a non-zero trigram precision");
      const out: Array<Precision | number> = [...p];
      for (let i = 2; i < p.length; i++) {
        const prev2 = value(out[i - 2]!);
        const pi0 = prev2 === 0 ? 0 : value(out[i - 1]!) ** 2 / prev2;
        const m = p[i]!.numerator;
        const l = ngramsOfOrder(hypothesis, i + 1);
        out[i] = (m + alpha * pi0) / (l + alpha);
      }
      return out;
    }) satisfies SmoothingFunction,
    /** Method 4 then method 5. */
    method7: ((p, ctx) => method5(method4(p, ctx), ctx)) satisfies SmoothingFunction,
  };
}

/** NLTK's smoothing methods with their default parameters (`SmoothingFunction()`). */
export const smoothing = smoothingFunctions();

function checkWeights(weights: readonly number[]): void {
  if (weights.length === 0 || weights.some((w) => !Number.isFinite(w)))
    throw new EvalInputError("BLEU weights must be a non-empty list of finite numbers");
}

/** Sums as Python's `math.fsum` does closely enough for 1e-15 agreement (Neumaier compensation). */
function fsum(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Sufficient statistics of NLTK corpus BLEU: clipped counts per order, lengths, and the last segment (for smoothing). */
export interface BleuStats {
  numerators: number[];
  denominators: number[];
  hypLengths: number;
  refLengths: number;
  segments: number;
  lastReferences: readonly (readonly string[])[];
  lastHypothesis: readonly string[];
}

/** Counts what `corpusBleu` needs up to n-gram order `order`; score it with `bleuFromStats` under several settings. */
export function bleuStats(
  listOfReferences: readonly (readonly (readonly string[])[])[],
  hypotheses: readonly (readonly string[])[],
  order = 4,
): BleuStats {
  if (listOfReferences.length !== hypotheses.length)
    throw new EvalInputError(
      `BLEU needs one reference list per hypothesis: got ${hypotheses.length} hypotheses and ${listOfReferences.length} reference lists`,
    );
  const numerators = new Array<number>(order).fill(0);
  const denominators = new Array<number>(order).fill(0);
  let hypLengths = 0;
  let refLengths = 0;
  for (let s = 0; s < hypotheses.length; s++) {
    const references = listOfReferences[s]!;
    const hypothesis = hypotheses[s]!;
    if (references.length === 0) throw new EvalInputError(`BLEU segment ${s} has no reference`);
    // Same counts as modifiedPrecision, on interned tokens (far less garbage on long corpora).
    const { ids, base } = internTokens([hypothesis, ...references]);
    for (let n = 1; n <= order; n++) {
      const counts = countIdNgrams(ids[0]!, n, base);
      let numerator = 0;
      let total = 0;
      if (counts.size > 0) {
        const refCounts = ids.slice(1).map((r) => countIdNgrams(r, n, base));
        for (const [gram, count] of counts) {
          let max = 0;
          for (const rc of refCounts) max = Math.max(max, rc.get(gram) ?? 0);
          numerator += Math.min(count, max);
          total += count;
        }
      }
      numerators[n - 1]! += numerator;
      denominators[n - 1]! += Math.max(1, total);
    }
    hypLengths += hypothesis.length;
    refLengths += closestRefLength(references, hypothesis.length);
  }
  const last = hypotheses.length - 1;
  return {
    numerators,
    denominators,
    hypLengths,
    refLengths,
    segments: hypotheses.length,
    lastReferences: listOfReferences[last] ?? [],
    lastHypothesis: hypotheses[last] ?? [],
  };
}

/** NLTK corpus BLEU from `bleuStats` (whose order must be at least the number of weights). */
export function bleuFromStats(stats: BleuStats, options: BleuOptions = {}): number {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  checkWeights(weights);
  if (stats.numerators.length < weights.length)
    throw new EvalInputError(
      `BLEU statistics go to order ${stats.numerators.length}, the weights need ${weights.length}`,
    );
  const { hypLengths } = stats;
  const bp = brevityPenalty(stats.refLengths, hypLengths);
  if (stats.segments === 0 || stats.numerators[0] === 0) return 0;
  const precisions: Precision[] = [];
  for (let i = 0; i < weights.length; i++)
    precisions.push({ numerator: stats.numerators[i]!, denominator: stats.denominators[i]! });
  const smooth = options.smoothing ?? smoothing.method0;
  const smoothed = smooth(precisions, {
    references: stats.lastReferences,
    hypothesis: stats.lastHypothesis,
    hypLength: hypLengths,
  });
  let w: readonly number[] = weights;
  if (options.autoReweigh && hypLengths < 4 && sameWeights(weights, DEFAULT_WEIGHTS))
    w = new Array<number>(hypLengths).fill(1 / hypLengths);
  const terms: number[] = [];
  for (let i = 0; i < Math.min(w.length, smoothed.length); i++) {
    const v = value(smoothed[i]!);
    if (v > 0) terms.push(w[i]! * Math.log(v));
  }
  return bp * Math.exp(fsum(terms));
}

/**
 * Corpus BLEU exactly as NLTK 3.8's `corpus_bleu` computes it on pre-tokenized input: clipped
 * n-gram counts summed over segments (micro-average), one brevity penalty over the corpus,
 * then the weighted geometric mean of the (smoothed) precisions. Returns 0–1.
 */
export function corpusBleu(
  listOfReferences: readonly (readonly (readonly string[])[])[],
  hypotheses: readonly (readonly string[])[],
  options: BleuOptions = {},
): number {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  checkWeights(weights);
  return bleuFromStats(bleuStats(listOfReferences, hypotheses, weights.length), options);
}

function sameWeights(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Sentence BLEU as NLTK 3.8's `sentence_bleu` (which is `corpus_bleu` over one segment). Returns 0–1. */
export function sentenceBleu(
  references: readonly (readonly string[])[],
  hypothesis: readonly string[],
  options: BleuOptions = {},
): number {
  return corpusBleu([references], [hypothesis], options);
}
