import type { CallOptions, Message, ModelResponse, TokenLogprob, Usage } from "@keel/core";

/** One dataset case: the input, what a good answer looks like, and anything scorers need. */
export interface EvalCase {
  id: string;
  /** A user prompt, or a whole conversation. */
  input: string | Message[];
  /** Reference answer(s), for reference-based metrics. */
  expected?: string | string[];
  /** Retrieved passages the answer should be grounded in. */
  context?: string[];
  /** A human label (e.g. "pass"/"fail", or 1–5) for judge agreement. */
  humanLabel?: string | number;
  /** Free-form tags (suite, tenant, source, should-refuse, …). */
  tags?: Record<string, string>;
}

/** What a task produced for a case. */
export interface TaskOutput {
  output: string;
  /** The model response, when a model produced the output (usage, timings, request id). */
  response?: Pick<
    ModelResponse,
    "usage" | "timings" | "provider" | "model" | "requestId" | "finishReason"
  > & {
    logprobs?: TokenLogprob[];
  };
  /** Cost in US dollars, when known. */
  costUsd?: number;
  /** The `callId` of the model call, for linking the `eval.scored` event. */
  callId?: string;
}

/** Produces an output for one case. `seed` is the run's fixed seed. */
export type EvalTask = (c: EvalCase, context: TaskContext) => Promise<TaskOutput>;

/** What a task receives besides the case. */
export interface TaskContext extends CallOptions {
  seed: number;
  /** 0-based repetition, for suites that run each case several times. */
  repetition: number;
  signal?: AbortSignal;
}

/** A metric's verdict on one output; `score` is in [0, 1], higher is better. */
export interface ScoreResult {
  score: number;
  passed?: boolean;
  label?: string;
  explanation?: string;
  /** Metric-specific detail (e.g. ROUGE's p/r/f), kept in the run file. */
  details?: Record<string, unknown>;
}

/** What a scorer sees. */
export interface ScoreInput {
  case: EvalCase;
  output: string;
  task: TaskOutput;
}

/** Scores outputs on one metric. `threshold` turns scores into pass/fail. */
export interface Scorer {
  name: string;
  threshold?: number;
  score(input: ScoreInput, options?: CallOptions): ScoreResult | Promise<ScoreResult>;
}

/** A serialized error, as kept in run files. */
export interface RunError {
  name: string;
  code?: string;
  message: string;
}

/** One case's result in a run. */
export interface CaseResult {
  id: string;
  input: string | Message[];
  expected?: string | string[];
  output?: string;
  scores: Record<string, ScoreResult>;
  /** The task's or a scorer's failure; a failed task leaves `output` and `scores` empty. */
  error?: RunError;
  scorerErrors?: Record<string, RunError>;
  usage?: Usage;
  /** Total and time-to-first-token latency of the model call, in ms. */
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  costUsd?: number;
  /** True when the output came from the output cache. */
  cached?: boolean;
  tags?: Record<string, string>;
  humanLabel?: string | number;
}

/** Mean, count and pass rate of one metric over a run. */
export interface MetricSummary {
  mean: number;
  n: number;
  passRate?: number;
}

/** A finished (or resumed) evaluation run, as stored for baselines and reports. */
export interface EvalRun {
  id: string;
  name: string;
  startedAt: string;
  finishedAt: string;
  seed: number;
  /** What produced the outputs (model id, prompt variant, …). */
  config: Record<string, unknown>;
  cases: CaseResult[];
  summary: Record<string, MetricSummary>;
}
