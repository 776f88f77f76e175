// Injection detection rate, false positives and time per prompt at the default threshold.
//   pnpm bench:injection                  held-out fifth of each shared collection, one line each
//   pnpm bench:injection --data FILE      one line for a JSON-lines file of {"text","label"}
//   pnpm bench:injection --data DIR       one line per *.jsonl file in DIR
// Flags: --rules-only (no classifier), --classifier-only (its score alone), --errors N (print
// N misclassified rows per collection to stderr), --weights FILE (a module written by
// train-injection.ts --out), --only NAME (one shared collection, in full: for a leave-one-out run),
// --untrusted (read every text as content that should be data: checkUntrusted's stricter rules).
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  checkUntrusted,
  detectInjection,
  type InjectionClassifier,
  injectionClassifier,
  loadInjectionClassifier,
} from "@keel/core/guard";
import { COLLECTIONS, isHeldOut, type LabelledText, readCollection, readLabelled } from "./injection-data.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

const weightsFile = value("--weights");
const classifier = flag("--rules-only")
  ? undefined
  : weightsFile
    ? injectionClassifier((await import(pathToFileURL(weightsFile).href)).INJECTION_WEIGHTS)
    : await loadInjectionClassifier();
const showErrors = Number(value("--errors") ?? 0);

function scoreOf(text: string, c: InjectionClassifier | undefined): boolean {
  if (flag("--classifier-only") && c) return c.score(text) >= 0.5;
  const detect = flag("--untrusted") ? checkUntrusted : detectInjection;
  return detect(text, classifier ? { classifier } : {}).flagged;
}

function run(name: string, rows: LabelledText[], split: string | undefined, exact = false) {
  // Warm the JIT and the lazily compiled regexes, so p50 measures steady state.
  for (const r of rows.slice(0, 50)) scoreOf(r.text, classifier);
  const times: number[] = [];
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  const errors: string[] = [];
  for (const r of rows) {
    const start = performance.now();
    const flagged = scoreOf(r.text, classifier);
    times.push((performance.now() - start) * 1000);
    if (r.label === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
    if (flagged !== (r.label === 1) && errors.length < showErrors)
      errors.push(`${r.label} ${JSON.stringify(r.text.slice(0, 200))}`);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)] ?? 0;
  const figures = {
    tpr: tp + fn ? Number((tp / (tp + fn)).toFixed(4)) : null,
    fpr: fp + tn ? Number((fp / (fp + tn)).toFixed(4)) : null,
    n: rows.length,
    p50_us: Number(p50.toFixed(1)),
  };
  // With --data FILE the line is exactly the issue's {"tpr","fpr","n","p50_us"}; per-collection
  // runs say which collection and how many rows of each class.
  const line = exact
    ? figures
    : { collection: name, ...(split ? { split } : {}), ...figures, attacks: tp + fn, benign: fp + tn };
  console.log(JSON.stringify(line));
  for (const e of errors) console.error(`  [${name}] ${e}`);
}

const data = value("--data");
if (data) {
  if (statSync(data).isDirectory()) {
    for (const f of readdirSync(data)
      .filter((f) => f.endsWith(".jsonl"))
      .sort())
      run(basename(f, ".jsonl"), readLabelled(join(data, f), f), undefined);
  } else run(basename(data), readLabelled(data, basename(data)), undefined, true);
} else if (value("--only")) {
  const name = value("--only") ?? "";
  run(name, readCollection(name), "whole collection");
} else {
  for (const name of COLLECTIONS)
    run(
      name,
      readCollection(name).filter((r) => isHeldOut(r)),
      "held-out fifth (never trained on)",
    );
}
