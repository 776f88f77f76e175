import {
  type EventHub,
  events as globalEvents,
  type KeelError,
  type ModelRequest,
  type ModelResponse,
} from "@keel/core";
import { EvalInputError } from "../errors/index.js";
import { type ModelTaskOptions, requestFor } from "./model-task.js";
import { scoreOutput, toRunError } from "./run-eval.js";
import type { RunJournal } from "./run-journal.js";
import { summarizeScores } from "./summarize.js";
import type { CaseResult, EvalCase, EvalRun, Scorer } from "./types.js";

/**
 * The part of a provider batch client that a nightly run needs. `@keel/providers/batch`'s
 * `openaiBatch(model)` and `anthropicBatch(model)` have exactly this shape, so pass them in
 * directly; @keel/eval does not import them (packages meet only in core).
 */
export interface EvalBatchClient<
  H extends { batchId: string } = { batchId: string; provider: string; model: string; ids: string[] },
> {
  readonly provider: string;
  readonly model: string;
  submitBatch(
    requests: Array<{ id: string; request: ModelRequest }>,
    options?: { signal?: AbortSignal },
  ): Promise<H>;
  waitForBatch(
    handle: H,
    options?: {
      signal?: AbortSignal;
      pollIntervalMs?: number;
      maxPollIntervalMs?: number;
      onPoll?: (progress: unknown) => void;
    },
  ): Promise<Array<{ id: string; response?: ModelResponse; error?: KeelError }>>;
}

/** Options of `runBatchEval`. */
export interface RunBatchEvalOptions<H extends { batchId: string }> {
  name: string;
  dataset: readonly EvalCase[];
  batch: EvalBatchClient<H>;
  /** How each case becomes a request: the same options `modelTask` takes, so live and batch runs send the same thing. */
  request?: ModelTaskOptions;
  scorers: readonly Scorer[];
  seed?: number;
  /** Keeps the submitted batch handle (resume: a rerun waits for the same batch instead of submitting again) and scored cases. */
  journal: RunJournal;
  runId?: string;
  config?: Record<string, unknown>;
  /** Passed to `waitForBatch` (poll interval, progress callback, signal). */
  wait?: {
    pollIntervalMs?: number;
    maxPollIntervalMs?: number;
    onPoll?: (progress: unknown) => void;
    signal?: AbortSignal;
  };
  events?: EventHub;
}

/**
 * A nightly run through a provider's batch API (about half the price): submit every case as one
 * batch, save the handle in the journal, poll until it ends, then score. If the process dies
 * while waiting, rerunning with the same journal resumes: it waits for the saved batch rather
 * than paying for a second one. Failed requests are kept as failed cases with their typed error.
 */
export async function runBatchEval<H extends { batchId: string }>(
  options: RunBatchEvalOptions<H>,
): Promise<EvalRun> {
  if (!options.journal.loadState || !options.journal.saveState)
    throw new EvalInputError(
      "runBatchEval needs a journal that keeps state (loadState/saveState) to resume a batch",
    );
  const seed = options.seed ?? 0;
  const startedAt = new Date();
  const runId = options.runId ?? `${options.name}-${startedAt.toISOString().replace(/[:.]/g, "-")}`;
  const done = new Map((await options.journal.load()).map((r) => [r.id, r]));
  const todo = options.dataset.filter((c) => !done.has(c.id));
  const state = await options.journal.loadState();
  let handle = state?.batchHandle as H | undefined;
  if (todo.length > 0 && !handle) {
    handle = await options.batch.submitBatch(
      todo.map((c) => ({ id: c.id, request: requestFor(c, options.request ?? {}, seed) })),
      options.wait?.signal ? { signal: options.wait.signal } : undefined,
    );
    await options.journal.saveState({ ...state, batchHandle: handle, runId });
  }
  if (todo.length > 0 && handle) {
    const results = await options.batch.waitForBatch(handle, options.wait);
    const byId = new Map(results.map((r) => [r.id, r]));
    const hub = options.events ?? globalEvents;
    for (const c of todo) {
      const r = byId.get(c.id);
      const base: CaseResult = {
        id: c.id,
        input: c.input,
        ...(c.expected === undefined ? {} : { expected: c.expected }),
        scores: {},
        ...(c.tags ? { tags: c.tags } : {}),
        ...(c.humanLabel === undefined ? {} : { humanLabel: c.humanLabel }),
      };
      let result: CaseResult;
      if (!r?.response) {
        result = {
          ...base,
          error: r?.error
            ? toRunError(r.error)
            : { name: "EvalInputError", message: `batch returned no result for case "${c.id}"` },
        };
      } else {
        const response = r.response;
        const task = { output: response.text, response };
        const scored = await scoreOutput(c, task, options.scorers, {
          hub,
          runId,
          model: response.model.served ?? response.model.requested,
        });
        result = { ...base, output: response.text, ...scored, usage: response.usage };
      }
      done.set(c.id, result);
      await options.journal.append(result);
    }
  }
  const cases = options.dataset.map((c) => done.get(c.id)!);
  return {
    id: (state?.runId as string | undefined) ?? runId,
    name: options.name,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seed,
    config: {
      task: `batch:${options.batch.provider}/${options.batch.model}`,
      ...(handle ? { batchId: handle.batchId } : {}),
      ...options.config,
    },
    cases,
    summary: summarizeScores(cases),
  };
}
