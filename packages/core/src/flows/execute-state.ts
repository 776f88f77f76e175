import type { z } from "zod";
import { isKeelError, KeelError } from "../errors.js";
import type { EventHub } from "../events.js";
import type { CallContext, Model } from "../model.js";
import { pipe } from "../pipe.js";
import { mapLimit } from "../tools/map-limit.js";
import type { CheckpointStore, FlowCheckpoint, StepFailure } from "./checkpoint-store.js";
import { applyPatch, checkContext } from "./flow-context.js";
import { type FlowFailureDetails, FlowRunError } from "./flow-errors.js";
import { kindOf, transitionsOf } from "./flow-graph.js";
import type {
  CheckRoute,
  CheckState,
  ParallelState,
  StateDefinition,
  StepPolicy,
  TaskState,
  TerminalState,
  TruncateState,
  Verdict,
} from "./flow-types.js";
import { runAttempts } from "./step-attempts.js";
import { createStepIO, type StepIO } from "./step-io.js";
import { truncateAction } from "./truncate-action.js";

type Ctx = Record<string, unknown>;
type AnyState = StateDefinition<any, string>;

/** What stays the same for every step of a run. */
export interface RunEnv {
  flowId: string;
  runId: string;
  tenant: string | undefined;
  store: CheckpointStore;
  events: EventHub;
  signal: AbortSignal | undefined;
  schema: z.ZodType | undefined;
  pending: Map<string, Promise<unknown>>;
}

/** One step about to run: the state, its number and id, and the checkpoint it starts from. */
export interface StepRun {
  env: RunEnv;
  name: string;
  state: AnyState;
  step: number;
  stepId: string;
  checkpoint: FlowCheckpoint;
}

/** What a step produced: the new context, the state chosen next (none for terminal states). */
export interface StepResult {
  context: Ctx;
  next: string | undefined;
  outcome: "ok" | "fallback";
  fallbackError?: StepFailure;
  checkFailures: Record<string, number>;
}

/** Runs one step of any kind, with its retries, timeout and fallback, and chooses the next state. */
export async function executeState(run: StepRun): Promise<StepResult> {
  switch (kindOf(run.state)) {
    case "terminal":
      return runTerminal(run, run.state as TerminalState<Ctx>);
    case "check":
      return runCheck(run, run.state as CheckState<Ctx, string>);
    case "parallel":
      return runWithFallback(run, run.state as ParallelState<Ctx, string>, (ctx, io) =>
        runBranches(run, run.state as ParallelState<Ctx, string>, ctx, io),
      );
    case "truncate": {
      const state = run.state as TruncateState<Ctx, string>;
      return runWithFallback(run, state, truncateAction(state.truncate));
    }
    default: {
      const task = run.state as TaskState<Ctx, string>;
      return runWithFallback(run, task, (ctx, io) => task.run(ctx, io));
    }
  }
}

/** The ids copied onto telemetry events of this step. */
export function stepContext(run: StepRun): CallContext {
  return {
    flowId: run.env.flowId,
    runId: run.env.runId,
    stepId: run.stepId,
    ...(run.env.tenant !== undefined ? { tenant: run.env.tenant } : {}),
  };
}

function details(run: StepRun): FlowFailureDetails {
  return { flowId: run.env.flowId, runId: run.env.runId, state: run.name, stepId: run.stepId };
}

function ioFor(
  run: StepRun,
  attempt: number,
  signal: AbortSignal,
  deadline: number | undefined,
  stepId = run.stepId,
): StepIO {
  return createStepIO({
    flowId: run.env.flowId,
    runId: run.env.runId,
    stepId,
    state: run.name,
    step: run.step,
    attempt,
    signal,
    deadline,
    tenant: run.env.tenant,
    fallbackError: run.checkpoint.fallbackError,
    store: run.env.store,
    events: run.env.events,
    wrap: modelWrapper(run.state),
    pending: run.env.pending,
  });
}

const wrapped = new WeakMap<object, WeakMap<Model, Model>>();

/** Wraps models in the state's middleware, once per state and model. */
function modelWrapper(state: AnyState): (model: Model) => Model {
  const middleware = state.middleware;
  if (!middleware?.length) return (model) => model;
  const models = wrapped.get(state) ?? new WeakMap<Model, Model>();
  wrapped.set(state, models);
  return (model) => {
    const piped = models.get(model) ?? pipe(model, ...middleware);
    models.set(model, piped);
    return piped;
  };
}

/** Runs `action` under the step's policy; returns its value. */
function attempts<T>(run: StepRun, policy: StepPolicy, action: (io: StepIO) => Promise<T> | T): Promise<T> {
  const context = stepContext(run);
  return runAttempts(
    policy,
    async (attempt, signal, deadline) => action(ioFor(run, attempt, signal, deadline)),
    {
      signal: run.env.signal,
      what: `step "${run.stepId}"`,
      onStart: (attempt) =>
        run.env.events.emit("flow.step.started", { state: run.name, step: run.step, attempt }, context),
      onFailure: (error, attempt, willRetry) =>
        run.env.events.emit(
          "flow.step.failed",
          { state: run.name, step: run.step, attempt, error, willRetry },
          context,
        ),
    },
  );
}

/** Applies a patch and checks the result, as one unit an attempt can fail (and retry) on. */
function settle(run: StepRun, ctx: Ctx, patch: unknown): Promise<Ctx> {
  const d = details(run);
  return checkContext(applyPatch(ctx, patch, d), run.env.schema, `the context after state "${run.name}"`, d);
}

async function runTerminal(run: StepRun, state: TerminalState<Ctx>): Promise<StepResult> {
  const ctx = run.checkpoint.context as Ctx;
  const action = state.run;
  const context = await attempts(run, state, async (io) =>
    action ? settle(run, ctx, await action(ctx, io)) : ctx,
  );
  return { context, next: undefined, outcome: "ok", checkFailures: run.checkpoint.checkFailures };
}

async function runWithFallback(
  run: StepRun,
  state: TaskState<Ctx, string> | ParallelState<Ctx, string> | TruncateState<Ctx, string>,
  action: (ctx: Ctx, io: StepIO) => unknown,
): Promise<StepResult> {
  const ctx = run.checkpoint.context as Ctx;
  const base = { checkFailures: run.checkpoint.checkFailures };
  let context: Ctx;
  let outcome: StepResult["outcome"] = "ok";
  try {
    context = await attempts(run, state, async (io) => settle(run, ctx, await action(ctx, io)));
  } catch (error) {
    const fallback = "fallback" in state ? state.fallback : undefined;
    if (fallback === undefined || run.env.signal?.aborted) throw error;
    const failure = toFailure(run, error);
    if (typeof fallback === "string")
      return { ...base, context: ctx, next: fallback, outcome: "fallback", fallbackError: failure };
    const keelError = error as KeelError;
    context = await attempts(
      run,
      { ...(state.timeoutMs !== undefined ? { timeoutMs: state.timeoutMs } : {}) },
      async (io) => settle(run, ctx, await fallback(ctx, keelError, io)),
    );
    outcome = "fallback";
  }
  return { ...base, context, next: route(run, state, context), outcome };
}

async function runBranches(
  run: StepRun,
  state: ParallelState<Ctx, string>,
  ctx: Ctx,
  io: StepIO,
): Promise<unknown> {
  const names = Object.keys(state.branches);
  const settled = await mapLimit(names, state.concurrency ?? names.length, async (branch) => {
    const branchIO = ioFor(run, io.attempt, io.signal, io.deadline, `${run.stepId}/${branch}`);
    try {
      // Recorded like any effect, so a retry or resume re-runs only the branches that did not finish.
      const value = await io.once(`branch:${branch}`, () => state.branches[branch]!(ctx, branchIO));
      return { branch, ok: true as const, value };
    } catch (error) {
      return { branch, ok: false as const, error };
    }
  });
  const failed = settled.find((s) => !s.ok);
  if (failed && !failed.ok) {
    const cause = failed.error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new KeelError(`branch "${failed.branch}" failed: ${message}`, {
      cause,
      retryable: isKeelError(cause) ? cause.retryable : true,
    });
  }
  const results = Object.fromEntries(settled.map((s) => [s.branch, s.ok ? s.value : undefined]));
  return state.join(ctx, results);
}

async function runCheck(run: StepRun, state: CheckState<Ctx, string>): Promise<StepResult> {
  const ctx = run.checkpoint.context as Ctx;
  const verdict = await attempts(run, state, async (io) => {
    const v = await state.check(ctx, io);
    if (typeof v !== "object" || v === null || typeof v.pass !== "boolean")
      throw new FlowRunError(
        "step-failed",
        `the check of state "${run.name}" must return { pass: boolean }`,
        details(run),
      );
    return v as Verdict;
  });
  const failures = (run.checkpoint.checkFailures[run.name] ?? 0) + (verdict.pass ? 0 : 1);
  const routeTaken: CheckRoute = verdict.pass
    ? "pass"
    : verdict.escalate === true || failures > state.maxRetries
      ? "escalate"
      : "retry";
  run.env.events.emit(
    "flow.check.evaluated",
    {
      state: run.name,
      pass: verdict.pass,
      route: routeTaken,
      failures,
      ...(verdict.score !== undefined ? { score: verdict.score } : {}),
    },
    stepContext(run),
  );
  const record = state.record;
  const context = record
    ? await settle(run, ctx, record(ctx, { ...verdict, route: routeTaken, failures }))
    : ctx;
  const next =
    routeTaken === "pass" ? state.onPass : routeTaken === "retry" ? state.onFail : state.onEscalate;
  return {
    context,
    next,
    outcome: "ok",
    checkFailures: { ...run.checkpoint.checkFailures, [run.name]: failures },
  };
}

/** The first transition whose guard holds for the new context. */
function route(
  run: StepRun,
  state: TaskState<Ctx, string> | ParallelState<Ctx, string> | TruncateState<Ctx, string>,
  ctx: Ctx,
): string {
  const path = [...run.checkpoint.path, run.name];
  const info = { step: run.step, visits: (s: string) => path.filter((p) => p === s).length };
  for (const t of transitionsOf(state.next)) if (!t.when || t.when(ctx, info)) return t.to;
  throw new FlowRunError(
    "no-transition",
    `no transition from state "${run.name}" matched the context (guards to ${transitionsOf(state.next)
      .map((t) => `"${t.to}"`)
      .join(", ")} all returned false)`,
    details(run),
  );
}

/** A step failure as stored in checkpoints. */
export function toFailure(run: StepRun, error: unknown): StepFailure {
  return {
    state: run.name,
    stepId: run.stepId,
    code: isKeelError(error) ? error.code : "unknown",
    message: error instanceof Error ? error.message : String(error),
  };
}
