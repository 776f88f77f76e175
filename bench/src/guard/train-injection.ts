// Trains the injection classifier offline: logistic regression over the hashed features of
// `@keel/core/guard` (normalized text), on 80 % of the trainable collections plus generated hard
// negatives, and writes the int8-quantized weights beside the detector. Deterministic: the
// split is a hash of the text and the example order a seeded shuffle.
//   npx tsx --conditions=@keel/source bench/src/guard/train-injection.ts [--out FILE] [--exclude NAME]
// --exclude leaves a whole collection out, to measure the detector on a collection it never saw.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { injectionFeatures, normalizeText, type SparseVector } from "@keel/core/guard";
import { hardNegatives } from "./hard-negatives.js";
import { COLLECTIONS, isHeldOut, type LabelledText, readCollection } from "./injection-data.js";

const BITS = 17;
const EPOCHS = 12;
// Chosen by leaving one collection out (CyberSecEval, jackhhao, verazuo in turn; their held-out
// fifths never used): 1e-6, 3e-4 and 1e-3 gave mean unseen-collection error 0.44, ~0.39 and 0.38;
// stronger regularization makes the model less sure of itself on text unlike its training data.
const L2 = Number(process.env.GUARD_L2 ?? 1e-3);
const CAP = 300;
// A false alarm on a benign prompt costs more than a missed attack that other layers (isolation,
// output filtering) still contain, and real traffic is mostly benign (PINT: 94 %): benign rows
// weigh three times as much.
const BENIGN_COST = 3;
// BIPIA's attacks are harmless sentences ("What is the capital of Brazil?") that are attacks
// only because they sit inside data (its README says so). A bag-of-words model learns from them
// that ordinary questions are attacks; indirect injection is the untrusted-content mode's job.
const NOT_TRAINED = ["bipia"];
const RATE = 0.5;
const SEED = 20261207;

const out = process.argv.includes("--out")
  ? resolve(process.argv[process.argv.indexOf("--out") + 1] ?? "")
  : resolve("packages/core/src/guard/injection-weights.ts");

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const excluded = process.argv.includes("--exclude")
  ? process.argv[process.argv.indexOf("--exclude") + 1]
  : undefined;
const trainCollections = COLLECTIONS.filter((c) => c !== excluded && !NOT_TRAINED.includes(c));
const rows: LabelledText[] = [];
for (const name of trainCollections)
  for (const row of readCollection(name)) if (!isHeldOut(row.text)) rows.push(row);
for (const text of hardNegatives()) rows.push({ text, label: 0, collection: "hard-negatives" });

// Each (collection, label) group weighs about as much as a group of 300 rows at most, so the
// 1,442 jailbreaks do not drown the 35 app prompts; then the two classes weigh the same.
const groups = new Map<string, number>();
for (const r of rows)
  groups.set(`${r.collection}:${r.label}`, (groups.get(`${r.collection}:${r.label}`) ?? 0) + 1);
const weightOf = (r: LabelledText) => Math.min(1, CAP / (groups.get(`${r.collection}:${r.label}`) ?? 1));
const classMass = [0, 0];
for (const r of rows) classMass[r.label] = (classMass[r.label] ?? 0) + weightOf(r);

const examples = rows.map((r) => ({
  x: injectionFeatures(normalizeText(r.text).text, BITS),
  y: r.label,
  w: ((weightOf(r) * rows.length) / 2 / (classMass[r.label] ?? 1)) * (r.label === 0 ? BENIGN_COST : 1),
}));

const size = 1 << BITS;
const weights = new Float64Array(size);
const grad2 = new Float64Array(size).fill(1e-8);
let bias = 0;
let bias2 = 1e-8;
const random = mulberry32(SEED);
const dot = (x: SparseVector) => {
  let s = bias;
  for (let i = 0; i < x.index.length; i++) s += (weights[x.index[i] ?? 0] ?? 0) * (x.value[i] ?? 0);
  return s;
};

for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let i = examples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [examples[i], examples[j]] = [examples[j] as (typeof examples)[0], examples[i] as (typeof examples)[0]];
  }
  let loss = 0;
  for (const { x, y, w } of examples) {
    const p = 1 / (1 + Math.exp(-dot(x)));
    loss += -w * (y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
    const g = w * (p - y);
    for (let i = 0; i < x.index.length; i++) {
      const k = x.index[i] ?? 0;
      const gk = g * (x.value[i] ?? 0) + L2 * (weights[k] ?? 0);
      grad2[k] = (grad2[k] ?? 0) + gk * gk;
      weights[k] = (weights[k] ?? 0) - (RATE * gk) / Math.sqrt(grad2[k] ?? 1);
    }
    bias2 += g * g;
    bias -= (RATE * g) / Math.sqrt(bias2);
  }
  console.error(`epoch ${epoch + 1}: loss ${(loss / examples.length).toFixed(4)}`);
}

// int8 with one scale: the largest weight maps to 127.
let maxAbs = 0;
for (const v of weights) maxAbs = Math.max(maxAbs, Math.abs(v));
const scale = maxAbs / 127;
const bytes = new Int8Array(size);
for (let i = 0; i < size; i++) bytes[i] = Math.round((weights[i] ?? 0) / scale);
const base64 = Buffer.from(bytes.buffer).toString("base64");

writeFileSync(
  out,
  `// Generated by bench/src/guard/train-injection.ts; do not edit. Logistic-regression weights of
// the injection classifier over 2^${BITS} hashed features, int8-quantized (weight = byte × scale).
export const INJECTION_WEIGHTS = {
  bits: ${BITS},
  scale: ${scale},
  bias: ${bias},
  trainedOn: ${JSON.stringify(`${trainCollections.join(", ")} (80 % each) + ${hardNegatives().length} generated hard negatives`)},
  data: "${base64}",
};
`,
);
console.error(`wrote ${out}: ${rows.length} examples, ${(base64.length / 1024).toFixed(0)} KB of weights`);

// Classifier alone at 0.5 on each held-out fifth, for a quick look; the benchmark is the figure.
const quantized = (x: SparseVector) => {
  let z = bias;
  for (let i = 0; i < x.index.length; i++) z += (bytes[x.index[i] ?? 0] ?? 0) * scale * (x.value[i] ?? 0);
  return z >= 0;
};
for (const name of COLLECTIONS) {
  const held = readCollection(name).filter((r) => !trainCollections.includes(name) || isHeldOut(r.text));
  const c = [0, 0, 0, 0];
  for (const r of held) {
    const flagged = quantized(injectionFeatures(normalizeText(r.text).text, BITS));
    const k = r.label * 2 + (flagged ? 1 : 0);
    c[k] = (c[k] ?? 0) + 1;
  }
  const [tn = 0, fp = 0, fn = 0, tp = 0] = c;
  console.error(
    `${name}${name === excluded ? " (excluded)" : ""}: tpr ${tp + fn ? (tp / (tp + fn)).toFixed(3) : "-"} fpr ${fp + tn ? (fp / (fp + tn)).toFixed(3) : "-"}`,
  );
}
