// How the shipped injection classifier is fitted, in one place, so that the training script and
// the evaluation protocol (injection-protocol.ts) fit exactly the same model:
//   1. features: core's hashed word and character n-grams, sublinear tf × idf (idf from the
//      training rows), L2-normalized;
//   2. example weights: each (collection, label) group weighs size^(1 − balance) in all, so a
//      big collection counts for more than a small one but cannot drown it; then both classes
//      weigh the same;
//   3. L2 logistic regression solved to its optimum (L-BFGS);
//   4. the threshold: refit on four fifths of the training rows, and on the other fifth pick the
//      lowest threshold whose false-positive rate, averaged over collections (not the generated
//      programming questions, see coding-prompts.ts), is at most `targetFpr`; the final fit on
//      all training rows takes that threshold into its bias, so 0.5 stays the decision point;
//   5. int8 weights and uint8 idf, each with one scale.
import {
  type InjectionWeights,
  injectionCounts,
  type SparseVector,
  weighInjectionCounts,
} from "@keel/core/guard";
import { CODING_COLLECTION } from "./coding-prompts.js";
import type { LabelledText } from "./injection-data.js";
import { type LogisticModel, linearScore, trainLogistic } from "./logistic-regression.js";

export interface InjectionModelConfig {
  bits: number;
  /** λ of the L2 penalty, per unit of mean example weight. */
  l2: number;
  /** 0: every row weighs the same; 1: every (collection, label) group weighs the same. */
  balance: number;
  /** Use idf; without it every bucket weighs 1. */
  idf: boolean;
  /** Per-collection false-positive rate the threshold aims at on validation rows. */
  targetFpr: number;
  /** Whether the mean over collections or the worst collection must meet `targetFpr`. */
  fprOver: "mean" | "max";
  /** L-BFGS iterations at most. */
  iterations: number;
}

// Chosen on development figures only (held-out fifths of the training collections, compared under
// one threshold rule): λ 1e-4 (about scikit-learn's C = 1 at this size) underfits the many small
// character-n-gram features and 1e-6 did worse than 1e-5 (mean TPR 0.68, 0.61, 0.72 at FPR ≤
// 0.01); 2^16 buckets because 2^17 with idf would pass 300 KB of base64. The threshold rule, on
// the dev protocol (injection-protocol.ts --protocols dev, tried with 137 generated everyday
// negatives in training that were then dropped, see the guard README): the worst collection at 0.02 instead
// of the mean at 0.01 lets the hand-written hard negatives set it alone (CyberSecEval dev TPR
// 0.47 -> 0.23, BIPIA 0.40 -> 0.11); the mean at 0.02 gains recall (0.56, 0.50) for 3 of 74 hard
// negatives flagged instead of 2. Those hard negatives are the nearest thing here to the benign
// prompts that only look risky, so the mean at 0.01 stays.
export const DEFAULT_CONFIG: InjectionModelConfig = {
  bits: 16,
  l2: 1e-5,
  balance: 0.5,
  idf: true,
  targetFpr: 0.01,
  fprOver: "mean",
  iterations: 200,
};

// Past this many characters the classifier reads the head only (as the detector does).
const MAX_CLASSIFIED_CHARS = 65_536;

const countCache = new Map<string, SparseVector>();

/** Hashed counts of a row's normalized text, cached by bit width and text. */
export function countsOf(normalized: string, bits: number): SparseVector {
  const key = `${bits}\u0000${normalized}`;
  let counts = countCache.get(key);
  if (!counts) {
    counts = injectionCounts(normalized, bits, MAX_CLASSIFIED_CHARS);
    countCache.set(key, counts);
  }
  return counts;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The validation fifth inside a training set: a hash other than the held-out split's. */
export const isValidation = (row: LabelledText) => fnv1a(`validation:${row.group ?? row.text}`) % 5 === 0;

/**
 * The development fifth (injection-protocol.ts `dev`): training rows set aside to judge changes
 * on, by a third hash, so neither the reported held-out fifth nor the calibration fifth is used.
 */
export const isDevelopment = (row: LabelledText) => fnv1a(`development:${row.group ?? row.text}`) % 5 === 0;

export interface TrainingRow extends LabelledText {
  /** The text after `normalizeText`, which is what the detector classifies. */
  normalized: string;
}

export interface FittedInjectionModel {
  model: LogisticModel;
  idf: Float64Array | undefined;
  /** Probability at which a text is flagged, before it is folded into the bias. */
  threshold: number;
  /** Probability (threshold already folded in: 0.5 decides) for a normalized text. */
  probability(normalized: string): number;
}

function idfOf(rows: readonly TrainingRow[], bits: number): Float64Array {
  const df = new Float64Array(1 << bits);
  for (const r of rows) for (const k of countsOf(r.normalized, bits).index) df[k] = (df[k] ?? 0) + 1;
  const n = rows.length;
  return df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
}

function fit(rows: readonly TrainingRow[], config: InjectionModelConfig) {
  const idf = config.idf ? idfOf(rows, config.bits) : undefined;
  const groups = new Map<string, number>();
  const key = (r: TrainingRow) => `${r.collection}\u0000${r.label}`;
  for (const r of rows) groups.set(key(r), (groups.get(key(r)) ?? 0) + 1);
  const raw = rows.map((r) => (groups.get(key(r)) ?? 1) ** -config.balance);
  const mass = [0, 0];
  rows.forEach((r, i) => {
    mass[r.label] = (mass[r.label] ?? 0) + (raw[i] ?? 0);
  });
  // Both classes weigh half of the total; the mean weight is 1, so λ means the same at any size.
  const weights = rows.map((r, i) => ((raw[i] ?? 0) * rows.length) / 2 / (mass[r.label] ?? 1));
  const xs = rows.map((r) => weighInjectionCounts(countsOf(r.normalized, config.bits), idf));
  const model = trainLogistic(
    xs,
    rows.map((r) => r.label),
    1 << config.bits,
    { l2: config.l2 * rows.length, sampleWeights: weights, maxIterations: config.iterations },
  );
  const score = (normalized: string) =>
    linearScore(model, weighInjectionCounts(countsOf(normalized, config.bits), idf));
  return { model, idf, score };
}

// A rate from fewer rows than this moves by 5 points or more per row: such a collection's
// benign validation rows (garak has 1, PromptInject 7) cannot resolve a 1 % target and would set
// the threshold on their own.
const MIN_CALIBRATION_ROWS = 20;

/**
 * The lowest threshold on the linear score at which the false-positive rate on validation rows,
 * averaged over the collections with at least MIN_CALIBRATION_ROWS benign rows, is at most the
 * target.
 */
export function calibrate(
  rows: readonly TrainingRow[],
  score: (t: string) => number,
  targetFpr: number,
  over: "mean" | "max",
): number {
  const byCollection = new Map<string, number[]>();
  for (const r of rows)
    if (r.label === 0) {
      const list = byCollection.get(r.collection) ?? [];
      list.push(score(r.normalized));
      byCollection.set(r.collection, list);
    }
  const lists = [...byCollection.values()].filter((l) => l.length >= MIN_CALIBRATION_ROWS);
  const rates = (t: number) => lists.map((l) => l.filter((z) => z >= t).length / l.length);
  const fprAt = (t: number) =>
    over === "max" ? Math.max(...rates(t)) : rates(t).reduce((s, r) => s + r, 0) / lists.length;
  // Never below the model's own 0.5 point: the threshold only ever trades recall for precision.
  const candidates = [
    0,
    ...new Set(
      lists
        .flat()
        .filter((z) => z >= 0)
        .map((z) => z + 1e-9),
    ),
  ].sort((a, b) => a - b);
  for (const t of candidates) if (fprAt(t) <= targetFpr) return t;
  return candidates[candidates.length - 1] ?? 0;
}

/** Fits the classifier with its calibrated threshold on `rows` (see the steps above). */
export function fitInjectionModel(
  rows: readonly TrainingRow[],
  config: InjectionModelConfig,
): FittedInjectionModel {
  const inner = fit(
    rows.filter((r) => !isValidation(r)),
    config,
  );
  const threshold = calibrate(
    rows.filter((r) => isValidation(r) && r.collection !== CODING_COLLECTION),
    inner.score,
    config.targetFpr,
    config.fprOver,
  );
  if (process.env.GUARD_VERBOSE) console.error(`threshold ${threshold.toFixed(3)} on the linear score`);
  const final = fit(rows, config);
  const model = { weights: final.model.weights, bias: final.model.bias - threshold };
  return {
    model,
    idf: final.idf,
    threshold: 1 / (1 + Math.exp(-threshold)),
    probability: (normalized) =>
      1 /
      (1 + Math.exp(-linearScore(model, weighInjectionCounts(countsOf(normalized, config.bits), final.idf)))),
  };
}

/** The fitted model as the detector loads it: int8 weights and uint8 idf, base64. */
export function quantize(fitted: FittedInjectionModel, bits: number): InjectionWeights {
  let maxAbs = 0;
  for (const v of fitted.model.weights) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 127 || 1;
  const bytes = Int8Array.from(fitted.model.weights, (v) => Math.round(v / scale));
  const weights: InjectionWeights = {
    bits,
    scale,
    bias: fitted.model.bias,
    data: Buffer.from(bytes.buffer).toString("base64"),
  };
  if (fitted.idf) {
    let maxIdf = 0;
    for (const v of fitted.idf) maxIdf = Math.max(maxIdf, v);
    const idfScale = maxIdf / 255;
    const idfBytes = Uint8Array.from(fitted.idf, (v) => Math.round(v / idfScale));
    weights.idf = { scale: idfScale, data: Buffer.from(idfBytes.buffer).toString("base64") };
  }
  return weights;
}
