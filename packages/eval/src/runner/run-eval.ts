import { AbortedError, type EventHub, events as globalEvents, KeelError } from "@keel/core";
import { EvalInputError } from "../errors/index.js";
import { type OutputCache, stableHash } from "./output-cache.js";
import type { RunJournal } from "./run-journal.js";
import { seededShuffle } from "./seeded-random.js";
import { summarizeScores } from "./summarize.js";
import type {
  CaseResult,
  EvalCase,
  EvalRun,
  EvalTask,
  RunError,
  ScoreResult,
  Scorer,
  TaskOutput,
} from "./types.js";

/** Progress of a run, reported after every case. */
export interface RunProgress {
  done: number;
  total: number;
  failed: number;
  cached: number;
  /** Cases taken from the journal of an interrupted attempt. */
  resumed: number;
  elapsedMs: number;
  /** Estimated time left, from the pace so far. */
  etaMs?: number;
}

/** Options of `runEval`. */
export interface RunEvalOptions {
  name: string;
  dataset: readonly EvalCase[];
  /** Produces outputs; `modelTask(model)` for a core model, or any async function. */
  task: EvalTask & { label?: string };
  scorers: readonly Scorer[];
  /** Cases in flight at once (default 4). Rate limits belong on the model: `modelTask(model, { middleware: [rateLimit(...)] })`. */
  concurrency?: number;
  /** Fixed seed: sent as the request seed and used for sampling. Default 0. */
  seed?: number;
  /** Score a seeded random sample of this many cases. */
  sample?: number;
  /** Reuse outputs of identical requests (same task label, input and seed). */
  cache?: OutputCache;
  /** Records finished cases; a rerun with the same journal skips them (resume after interruption). */
  journal?: RunJournal;
  /** Run id (default: time-based); keep it when resuming. */
  runId?: string;
  /** What produced the outputs, stored with the run (prompt variant, model, settings). */
  config?: Record<string, unknown>;
  onProgress?: (progress: RunProgress) => void;
  /** Where `eval.scored` events go (default: core's global hub). */
  events?: EventHub;
  signal?: AbortSignal;
}

/** A thrown value as kept in run files. */
export function toRunError(e: unknown): RunError {
  if (e instanceof KeelError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: "Error", message: String(e) };
}

function checkDataset(dataset: readonly EvalCase[]): void {
  const seen = new Set<string>();
  dataset.forEach((c, i) => {
    if (typeof c.id !== "string" || c.id === "")
      throw new EvalInputError(`dataset case ${i} has no string id`);
    if (seen.has(c.id)) throw new EvalInputError(`dataset case id "${c.id}" appears twice`);
    seen.add(c.id);
    if (typeof c.input !== "string" && !Array.isArray(c.input))
      throw new EvalInputError(`dataset case "${c.id}": input must be a string or a list of messages`);
  });
}

/** Scores one output with every scorer and emits `eval.scored` for each score. */
export async function scoreOutput(
  c: EvalCase,
  task: TaskOutput,
  scorers: readonly Scorer[],
  emit: { hub: EventHub; runId: string; model?: string },
  signal?: AbortSignal,
): Promise<Pick<CaseResult, "scores" | "scorerErrors">> {
  const scores: Record<string, ScoreResult> = {};
  const scorerErrors: Record<string, RunError> = {};
  for (const scorer of scorers) {
    try {
      const s = await scorer.score({ case: c, output: task.output, task }, signal ? { signal } : undefined);
      if (!(typeof s.score === "number" && Number.isFinite(s.score)))
        throw new EvalInputError(`scorer "${scorer.name}" returned a non-numeric score`);
      const passed = s.passed ?? (scorer.threshold === undefined ? undefined : s.score >= scorer.threshold);
      const result: ScoreResult = { ...s, ...(passed === undefined ? {} : { passed }) };
      scores[scorer.name] = result;
      if (emit.hub.active)
        emit.hub.emit(
          "eval.scored",
          {
            metric: scorer.name,
            score: result.score,
            ...(scorer.threshold === undefined ? {} : { threshold: scorer.threshold }),
            ...(passed === undefined ? {} : { passed }),
            ...(result.label === undefined ? {} : { label: result.label }),
            ...(result.explanation === undefined ? {} : { explanation: result.explanation }),
            ...(emit.model ? { model: emit.model } : {}),
            ...(task.callId ? { callId: task.callId } : {}),
          },
          { runId: emit.runId, evalCase: c.id },
        );
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      scorerErrors[scorer.name] = toRunError(e);
    }
  }
  return { scores, ...(Object.keys(scorerErrors).length ? { scorerErrors } : {}) };
}

/**
 * Runs a task over a dataset and scores every output: bounded concurrency, a fixed seed, an
 * optional output cache, a journal for resuming, progress reports, and core's `eval.scored`
 * event for every score. A failing case is recorded with its error, never dropped.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalRun> {
  checkDataset(options.dataset);
  if (options.scorers.length === 0) throw new EvalInputError("runEval needs at least one scorer");
  const names = new Set<string>();
  for (const s of options.scorers) {
    if (names.has(s.name)) throw new EvalInputError(`two scorers are named "${s.name}"`);
    names.add(s.name);
  }
  const seed = options.seed ?? 0;
  const startedAt = new Date();
  const runId = options.runId ?? `${options.name}-${startedAt.toISOString().replace(/[:.]/g, "-")}`;
  const hub = options.events ?? globalEvents;
  const dataset =
    options.sample !== undefined && options.sample < options.dataset.length
      ? seededShuffle(options.dataset, seed).slice(0, options.sample)
      : [...options.dataset];
  const previous = new Map((await options.journal?.load())?.map((r) => [r.id, r]) ?? []);
  const results = new Map<string, CaseResult>();
  for (const c of dataset) {
    const p = previous.get(c.id);
    if (p) results.set(c.id, p);
  }
  const todo = dataset.filter((c) => !results.has(c.id));
  const progress: RunProgress = {
    done: results.size,
    total: dataset.length,
    failed: [...results.values()].filter((r) => r.error).length,
    cached: 0,
    resumed: results.size,
    elapsedMs: 0,
  };
  const t0 = Date.now();
  const label = options.task.label ?? "task";

  const runCase = async (c: EvalCase): Promise<CaseResult> => {
    const base: CaseResult = {
      id: c.id,
      input: c.input,
      ...(c.expected === undefined ? {} : { expected: c.expected }),
      scores: {},
      ...(c.tags ? { tags: c.tags } : {}),
      ...(c.humanLabel === undefined ? {} : { humanLabel: c.humanLabel }),
    };
    let out: TaskOutput;
    let cached = false;
    const key = options.cache ? await stableHash({ task: label, input: c.input, seed }) : "";
    try {
      const hit = options.cache ? await options.cache.get(key) : undefined;
      if (hit) {
        out = hit;
        cached = true;
      } else {
        out = await options.task(c, {
          seed,
          repetition: 0,
          ...(options.signal ? { signal: options.signal } : {}),
          context: { runId, evalCase: c.id },
        });
        if (typeof out?.output !== "string")
          throw new EvalInputError(`task returned no output text for case "${c.id}"`);
        if (options.cache) await options.cache.set(key, out);
      }
    } catch (e) {
      if (e instanceof AbortedError || options.signal?.aborted) throw e;
      return { ...base, error: toRunError(e) };
    }
    const scored = await scoreOutput(
      c,
      out,
      options.scorers,
      { hub, runId, model: out.response?.model.served ?? out.response?.model.requested ?? label },
      options.signal,
    );
    const r = out.response;
    return {
      ...base,
      output: out.output,
      ...scored,
      ...(r?.usage ? { usage: r.usage } : {}),
      ...(r?.timings ? { latencyMs: r.timings.totalMs } : {}),
      ...(r?.timings?.timeToFirstTokenMs === undefined
        ? {}
        : { timeToFirstTokenMs: r.timings.timeToFirstTokenMs }),
      ...(out.costUsd === undefined ? {} : { costUsd: out.costUsd }),
      ...(cached ? { cached } : {}),
    };
  };

  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      if (options.signal?.aborted)
        throw new AbortedError("evaluation run aborted; rerun with the same journal to resume");
      const c = todo[next++]!;
      const result = await runCase(c);
      results.set(c.id, result);
      await options.journal?.append(result);
      progress.done++;
      if (result.error) progress.failed++;
      if (result.cached) progress.cached++;
      progress.elapsedMs = Date.now() - t0;
      const fresh = progress.done - progress.resumed;
      progress.etaMs =
        fresh > 0 ? (progress.elapsedMs / fresh) * (progress.total - progress.done) : undefined;
      options.onProgress?.({ ...progress });
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 4, todo.length || 1));
  await Promise.all(Array.from({ length: width }, worker));

  const cases = dataset.map((c) => results.get(c.id)!);
  return {
    id: runId,
    name: options.name,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seed,
    config: { task: label, ...options.config },
    cases,
    summary: summarizeScores(cases),
  };
}
