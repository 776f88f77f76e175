// The evaluation protocol for the injection detector, fixed before any tuning, run the same way
// for the TF-IDF baseline, for a length-only model (a check that nothing just learns
// length) and for ours (rules + classifier):
//   fifths  train on four fifths of every training collection, report each held-out fifth;
//   loco    leave one collection out: train on the training fifths of all the others, report all
//           of the left-out one (the closest thing here to a collection nobody has seen);
//   risky   the hand-written risky-but-benign prompts (data/risky-benign.jsonl), never trained
//           on, scored by the `fifths` model;
//   dev     for tuning: train on the training rows minus a development fifth (its own hash,
//           `isDevelopment`), report that fifth per collection. Changes are judged here (and
//           by `--errors` here), never on `fifths`, `loco` or `risky`, which are only reported.
// Each model is refitted from scratch inside every fold, threshold calibration included.
// Hyperparameters are chosen on these development figures only; none is a held-out score of data
// nobody has seen (see the guard README).
//   npx tsx --conditions=@keel/source bench/src/guard/injection-protocol.ts
//     [--models baseline,length,ours; also baseline-calibrated, classifier, rules] [--protocols fifths,loco,risky,dev] [--config '{"l2":1e-4}']
//     [--no-bipia] [--no-hard-negatives] [--errors N]
// One JSON line per model, protocol and collection; a summary line per model and protocol.
import { resolve } from "node:path";
import { detectInjection, normalizeText } from "@keel/core/guard";
import { CODING_COLLECTION, codingPrompts } from "./coding-prompts.js";
import { hardNegatives } from "./hard-negatives.js";
import { COLLECTIONS, isHeldOut, type LabelledText, readCollection, readLabelled } from "./injection-data.js";
import {
  calibrate,
  DEFAULT_CONFIG,
  fitInjectionModel,
  type InjectionModelConfig,
  isDevelopment,
  isValidation,
  type TrainingRow,
} from "./injection-model.js";
import { linearScore, trainLogistic } from "./logistic-regression.js";
import { fitTfidfBaseline, sklearnTokens } from "./tfidf-baseline.js";

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const models = (value("--models") ?? "baseline,length,ours").split(",");
const protocols = (value("--protocols") ?? "fifths,loco,risky").split(",");
const config: InjectionModelConfig = { ...DEFAULT_CONFIG, ...JSON.parse(value("--config") ?? "{}") };
const trainBipia = !args.includes("--no-bipia");
const useHardNegatives = !args.includes("--no-hard-negatives");
const showErrors = Number(value("--errors") ?? 0);

interface Row extends TrainingRow {
  tokens: string[];
  /** The rules' combined score on their own (detectInjection without a classifier). */
  rules: number;
}

const toRow = (r: LabelledText): Row => {
  const normalized = normalizeText(r.text).text;
  return { ...r, normalized, tokens: sklearnTokens(r.text), rules: detectInjection(r.text).score };
};
const shared = new Map<string, Row[]>();
for (const name of COLLECTIONS) shared.set(name, readCollection(name).map(toRow));
const risky = readLabelled(resolve("bench/src/guard/data/risky-benign.jsonl"), "risky-benign").map(toRow);
// Everyday prompts written for the dev protocol only: never trained on, never reported as a result.
const everyday = readLabelled(resolve("bench/src/guard/data/everyday-dev.jsonl"), "everyday-dev").map(toRow);
// Programming questions from the half of the vocabulary that training never sees: dev only.
const codingDev = codingPrompts("dev").map((text) => toRow({ text, label: 0, collection: "coding-dev" }));
// Our training-only negatives: the hand-written hard negatives and the generated programming
// questions (`--no-hard-negatives` leaves out both).
const hard = [
  ...hardNegatives().map((text) => toRow({ text, label: 0, collection: "hard-negatives" })),
  ...codingPrompts("train").map((text) => toRow({ text, label: 0, collection: CODING_COLLECTION })),
];
const trainable = COLLECTIONS.filter((c) => trainBipia || c !== "bipia");

// Negatives written or generated here, which the baseline does not train on.
const OUR_NEGATIVES = new Set(["hard-negatives", CODING_COLLECTION]);

type Flagger = (row: Row) => boolean;
type Trainer = (rows: Row[]) => Flagger;

const TRAINERS: Record<string, Trainer> = {
  // The ten lines: raw text, the shared set only (no hand-written negatives), 0.5.
  baseline: (rows) => {
    const shared = rows.filter((r) => !OUR_NEGATIVES.has(r.collection));
    const m = fitTfidfBaseline(
      shared.map((r) => r.tokens),
      shared.map((r) => r.label),
    );
    return (r) => m.probability(r.text) >= 0.5;
  },
  // The same ten lines at our operating point instead of 0.5: the threshold chosen by our rule
  // (mean FPR over collections ≤ targetFpr on a validation fifth), so that TPRs compare at
  // like false-positive rates.
  "baseline-calibrated": (rows) => {
    const shared = rows.filter((r) => !OUR_NEGATIVES.has(r.collection));
    const fitOn = (rs: Row[]) =>
      fitTfidfBaseline(
        rs.map((r) => r.tokens),
        rs.map((r) => r.label),
      );
    const inner = fitOn(shared.filter((r) => !isValidation(r)));
    const validation = shared.filter((r) => isValidation(r));
    const byNormalized = new Map(validation.map((r) => [r.normalized, r.text]));
    const logit = (p: number) => Math.log(p / (1 - p));
    const threshold = calibrate(
      validation,
      (n) => logit(inner.probability(byNormalized.get(n) ?? n)),
      config.targetFpr,
      config.fprOver,
    );
    const m = fitOn(shared);
    return (r) => logit(m.probability(r.text)) >= threshold;
  },
  // Logistic regression on ln(length) alone, same rows and 0.5: what length by itself predicts.
  length: (rows) => {
    const x = (r: Row) => ({
      index: Int32Array.of(0),
      value: Float32Array.of(Math.log(1 + r.text.length) / 5),
    });
    const m = trainLogistic(
      rows.map(x),
      rows.map((r) => r.label),
      1,
      { l2: 1e-6 },
    );
    return (r) => linearScore(m, x(r)) >= 0;
  },
  classifier: (rows) => {
    const m = fitInjectionModel(rows, config);
    return (r) => m.probability(r.normalized) >= 0.5;
  },
  // What detectInjection does: noisy-or of the rules' score and the classifier's.
  ours: (rows) => {
    const m = fitInjectionModel(rows, config);
    return (r) => 1 - (1 - r.rules) * (1 - m.probability(r.normalized)) >= 0.5;
  },
  rules: () => (r) => r.rules >= 0.5,
};

interface Figures {
  tpr: number | null;
  fpr: number | null;
  n: number;
}

// Every verdict of a protocol, for the breakdown by length (README caveat: attacks are longer).
const verdicts: Array<{ length: number; label: 0 | 1; flagged: boolean }> = [];

function evaluate(flag: Flagger, rows: Row[], label: string): Figures {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  let shown = 0;
  for (const r of rows) {
    const f = flag(r);
    verdicts.push({ length: r.text.length, label: r.label, flagged: f });
    if (r.label === 1) f ? tp++ : fn++;
    else f ? fp++ : tn++;
    if (f !== (r.label === 1) && shown++ < showErrors)
      console.error(`  [${label}] ${r.label} ${JSON.stringify(r.text.slice(0, 160))}`);
  }
  const rate = (a: number, b: number) => (a + b ? Number((a / (a + b)).toFixed(4)) : null);
  return { tpr: rate(tp, fn), fpr: rate(fp, tn), n: rows.length };
}

const trainingRows = (exclude?: string) => [
  ...trainable
    .filter((c) => c !== exclude)
    .flatMap((c) => (shared.get(c) ?? []).filter((r) => !isHeldOut(r))),
  ...(useHardNegatives ? hard : []),
];

/** Pooled rates by text length: a model that learned length flags long benign and misses short attacks. */
function byLength(model: string, protocol: string) {
  const buckets: Array<[string, number, number]> = [
    ["<200", 0, 200],
    ["200-1000", 200, 1000],
    [">=1000", 1000, Number.POSITIVE_INFINITY],
  ];
  for (const [name, lo, hi] of buckets) {
    const v = verdicts.filter((x) => x.length >= lo && x.length < hi);
    const attacks = v.filter((x) => x.label === 1);
    const benign = v.filter((x) => x.label === 0);
    const rate = (xs: typeof v) =>
      xs.length ? Number((xs.filter((x) => x.flagged).length / xs.length).toFixed(4)) : null;
    console.log(
      JSON.stringify({
        model,
        protocol,
        length: name,
        tpr: rate(attacks),
        fpr: rate(benign),
        attacks: attacks.length,
        benign: benign.length,
      }),
    );
  }
  verdicts.length = 0;
}

function summarize(model: string, protocol: string, figures: Array<Figures & { collection: string }>) {
  const tprs = figures.map((f) => f.tpr).filter((v): v is number => v !== null);
  const fprs = figures.map((f) => f.fpr).filter((v): v is number => v !== null);
  const mean = (v: number[]) => Number((v.reduce((a, b) => a + b, 0) / v.length).toFixed(4));
  console.log(
    JSON.stringify({
      model,
      protocol,
      summary: true,
      mean_tpr: mean(tprs),
      min_tpr: Math.min(...tprs),
      mean_fpr: mean(fprs),
      max_fpr: Math.max(...fprs),
    }),
  );
}

console.error(`config ${JSON.stringify(config)}; training collections ${trainable.join(", ")}`);
for (const model of models) {
  const trainer = TRAINERS[model];
  if (!trainer) throw new Error(`unknown model ${model}; one of ${Object.keys(TRAINERS).join(", ")}`);
  if (protocols.includes("fifths") || protocols.includes("risky")) {
    const flag = trainer(trainingRows());
    const figures: Array<Figures & { collection: string }> = [];
    if (protocols.includes("fifths"))
      for (const c of COLLECTIONS) {
        const f = {
          collection: c,
          ...evaluate(
            flag,
            (shared.get(c) ?? []).filter((r) => isHeldOut(r)),
            `${model} fifths ${c}`,
          ),
        };
        figures.push(f);
        console.log(JSON.stringify({ model, protocol: "fifths", ...f }));
      }
    if (figures.length) {
      summarize(model, "fifths", figures);
      byLength(model, "fifths");
    }
    verdicts.length = 0;
    if (protocols.includes("risky"))
      console.log(
        JSON.stringify({
          model,
          protocol: "risky",
          collection: "risky-benign",
          ...evaluate(flag, risky, `${model} risky`),
        }),
      );
  }
  if (protocols.includes("dev")) {
    const flag = trainer(trainingRows().filter((r) => !isDevelopment(r)));
    const figures: Array<Figures & { collection: string }> = [];
    for (const c of COLLECTIONS) {
      const rows = (shared.get(c) ?? []).filter((r) => !isHeldOut(r) && isDevelopment(r));
      const f = { collection: c, ...evaluate(flag, rows, `${model} dev ${c}`) };
      figures.push(f);
      console.log(JSON.stringify({ model, protocol: "dev", ...f }));
    }
    const f = {
      collection: "hard-negatives",
      ...evaluate(
        flag,
        hard.filter((r) => r.collection === "hard-negatives" && isDevelopment(r)),
        `${model} dev hard`,
      ),
    };
    console.log(JSON.stringify({ model, protocol: "dev", ...f }));
    const e = { collection: "everyday-dev", ...evaluate(flag, everyday, `${model} dev everyday`) };
    console.log(JSON.stringify({ model, protocol: "dev", ...e }));
    const code = { collection: "coding-dev", ...evaluate(flag, codingDev, `${model} dev coding`) };
    console.log(JSON.stringify({ model, protocol: "dev", ...code }));
    summarize(model, "dev", figures);
    byLength(model, "dev");
  }
  if (protocols.includes("loco")) {
    const figures: Array<Figures & { collection: string }> = [];
    for (const c of COLLECTIONS) {
      const flag = trainer(trainingRows(c));
      const f = { collection: c, ...evaluate(flag, shared.get(c) ?? [], `${model} loco ${c}`) };
      figures.push(f);
      console.log(JSON.stringify({ model, protocol: "loco", ...f }));
    }
    summarize(model, "loco", figures);
    byLength(model, "loco");
  }
}
