import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { compareRuns, type Gate } from "../baseline/compare-runs.js";
import { EvalInputError } from "../errors/index.js";
import { progressBar } from "../node/progress-bar.js";
import { fileOutputCache, jsonlRunJournal, loadRun, saveRun } from "../node/run-files.js";
import { renderHtmlReport } from "../report/html-report.js";
import { renderMarkdownReport } from "../report/markdown-report.js";
import { parseDataset } from "../runner/dataset.js";
import { runEval } from "../runner/run-eval.js";
import { type CliIo, flag, type ParsedArgs } from "./cli-io.js";
import type { EvalConfig } from "./eval-config.js";

async function loadConfig(path: string): Promise<EvalConfig> {
  if (!existsSync(path)) throw new EvalInputError(`config file ${path} does not exist`);
  // A fresh module instance per load, so a long-lived process (or a test) sees edits to the config.
  const mod = (await import(`${pathToFileURL(resolve(path)).href}?load=${Date.now()}`)) as {
    default?: EvalConfig;
  };
  const c = mod.default;
  if (!c || typeof c !== "object")
    throw new EvalInputError(`${path} has no default export (use defineEvalConfig)`);
  if (typeof c.name !== "string" || !c.name) throw new EvalInputError(`${path}: config needs a name`);
  if (typeof c.task !== "function")
    throw new EvalInputError(`${path}: config needs a task (e.g. modelTask(model))`);
  if (!Array.isArray(c.scorers) || c.scorers.length === 0)
    throw new EvalInputError(`${path}: config needs scorers`);
  return c;
}

/** Parses `--gate metric:0.02` (max drop) and `--gate metric>=0.8` (minimum) flags. */
export function parseGates(values: readonly string[]): Record<string, Gate> | undefined {
  if (values.length === 0) return undefined;
  const gates: Record<string, Gate> = {};
  for (const v of values) {
    const min = /^(.+?)>=([\d.]+)$/.exec(v);
    const drop = /^(.+?):([\d.]+)$/.exec(v);
    if (min) gates[min[1]!] = { ...gates[min[1]!], min: Number(min[2]) };
    else if (drop) gates[drop[1]!] = { ...gates[drop[1]!], maxDrop: Number(drop[2]) };
    else throw new EvalInputError(`--gate "${v}": use metric:MAXDROP or metric>=MIN`);
  }
  return gates;
}

/** `keel-eval run <config> [--out DIR] [--baseline RUN.json] [--resume RUN_ID] [--gate …]`. */
export async function runCommand(args: ParsedArgs, io: CliIo, gateFlags: string[] = []): Promise<number> {
  const path = args.positional[0];
  if (!path) throw new EvalInputError("run needs a config file: keel-eval run eval.config.mjs");
  const config = await loadConfig(path);
  const base = dirname(resolve(path));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const outDir = flag(args, "out") ?? at(config.outDir ?? "eval-runs");
  const dataset =
    typeof config.dataset === "string"
      ? parseDataset(await readFile(at(config.dataset), "utf8"), config.dataset)
      : config.dataset;
  const runId = flag(args, "resume") ?? `${config.name}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const journalPath = join(outDir, `${runId}.journal.jsonl`);
  if (flag(args, "resume") && !existsSync(journalPath))
    throw new EvalInputError(`no journal for run ${runId} in ${outDir} to resume`);
  const run = await runEval({
    name: config.name,
    dataset,
    task: config.task,
    scorers: config.scorers,
    runId,
    journal: jsonlRunJournal(journalPath),
    ...(config.cache === false ? {} : { cache: fileOutputCache(join(outDir, "cache")) }),
    ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.sample === undefined ? {} : { sample: config.sample }),
    ...(config.config ? { config: config.config } : {}),
    ...(args.flags.get("quiet") === true ? {} : { onProgress: progressBar(io.stderr) }),
  });
  const runFile = join(outDir, `${run.id}.json`);
  await saveRun(runFile, run);
  const baselinePath = flag(args, "baseline") ?? (config.baseline ? at(config.baseline) : undefined);
  const baseline = baselinePath ? await loadRun(baselinePath) : undefined;
  const gates = parseGates(gateFlags) ?? config.gates;
  const comparison = baseline ? compareRuns(run, baseline, gates ? { gates } : {}) : undefined;
  const html = join(outDir, `${run.id}.html`);
  await writeFile(html, renderHtmlReport(run, comparison, baseline));
  io.stderr(renderMarkdownReport(run, comparison));
  io.stdout(
    `${JSON.stringify({ run: runFile, report: html, summary: run.summary, failedCases: run.cases.filter((c) => c.error).length, ...(comparison ? { passed: comparison.passed } : {}) })}\n`,
  );
  return comparison && !comparison.passed ? 1 : 0;
}

/** `keel-eval compare <run.json> <baseline.json> [--gate metric:maxDrop | metric>=min] [--json]`. */
export async function compareCommand(args: ParsedArgs, io: CliIo, gateFlags: string[] = []): Promise<number> {
  const [runPath, basePath] = args.positional;
  if (!runPath || !basePath)
    throw new EvalInputError("compare needs two run files: keel-eval compare run.json baseline.json");
  const [run, baseline] = await Promise.all([loadRun(runPath), loadRun(basePath)]);
  const gates = parseGates(gateFlags);
  const resamples = flag(args, "resamples");
  const comparison = compareRuns(run, baseline, {
    ...(gates ? { gates } : {}),
    ...(resamples ? { resamples: Number(resamples) } : {}),
  });
  io.stdout(
    args.flags.get("json") === true
      ? `${JSON.stringify(comparison)}\n`
      : renderMarkdownReport(run, comparison),
  );
  return comparison.passed ? 0 : 1;
}
