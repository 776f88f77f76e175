import { abortReason } from "../abort.js";
import { isKeelError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { CallContext } from "../model.js";
import { type CheckpointStore, type FlowCheckpoint, loadCheckpoint } from "./checkpoint-store.js";
import { executeState, type RunEnv, type StepRun, toFailure } from "./execute-state.js";
import { checkContext, schemaOf } from "./flow-context.js";
import { type FlowFailureReason, FlowRunError } from "./flow-errors.js";
import type { FlowDefinition, StateDefinition } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

/** Options of `flow.run` and `flow.resume`. */
export interface FlowRunOptions {
  /** Where checkpoints and effect records go. Default: a fresh in-memory store (no resume after a crash). */
  store?: CheckpointStore;
  /** Default: a random UUID. */
  runId?: string;
  /** Aborting stops the run after the current attempt; the last checkpoint stays resumable. */
  signal?: AbortSignal;
  /** Overrides the flow's step limit for this run. */
  maxSteps?: number;
  /** Where flow events go. Default: the process-wide hub. */
  events?: EventHub;
  /** Copied into checkpoints and onto every event and model call. */
  tenant?: string;
  /** Called after each checkpoint is saved (progress reporting, tests). */
  onCheckpoint?: (checkpoint: FlowCheckpoint) => void | Promise<void>;
}

/** A run that reached a terminal state. */
export interface FlowResult<Ctx, S extends string> {
  runId: string;
  flowId: string;
  /** The terminal state reached. */
  state: S;
  context: Ctx;
  /** Steps taken, terminal step included. */
  steps: number;
  /** States run, in order. */
  path: S[];
  /** True when this call continued an earlier run. */
  resumed: boolean;
}

const DEFAULT_MAX_STEPS = 100;

/** Starts a new run of a (validated) flow definition. */
export async function startRun<Ctx, S extends string>(
  def: FlowDefinition<Ctx, S>,
  input: Ctx,
  options: FlowRunOptions = {},
): Promise<FlowResult<Ctx, S>> {
  const store = options.store ?? new MemoryCheckpointStore();
  const runId = options.runId ?? crypto.randomUUID();
  const where = { flowId: def.id, runId };
  if (await loadCheckpoint(store, runId))
    throw new FlowRunError(
      "run-exists",
      `run "${runId}" already exists; resume it or pick another runId`,
      where,
    );
  const context = await checkContext(input, schemaOf(def.context), `the input of flow "${def.id}"`, where);
  const checkpoint: FlowCheckpoint = {
    runId,
    flowId: def.id,
    status: "running",
    state: def.initial,
    context,
    step: 0,
    path: [],
    checkFailures: {},
    ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
    updatedAt: Date.now(),
  };
  // Saved before the first step so that a crash in it can be resumed.
  await store.save(checkpoint);
  return drive(def, checkpoint, store, options, false);
}

/**
 * Continues a run from its last checkpoint: a running run goes on from the state it was about
 * to run, a failed run re-runs the state that failed, a completed run returns its result.
 */
export async function resumeRun<Ctx, S extends string>(
  def: FlowDefinition<Ctx, S>,
  runId: string,
  options: FlowRunOptions & { store: CheckpointStore },
): Promise<FlowResult<Ctx, S>> {
  const where = { flowId: def.id, runId };
  // Checked: a checkpoint missing a field would otherwise fail as a step at "state@NaN".
  const checkpoint = await loadCheckpoint(options.store, runId);
  if (!checkpoint) throw new FlowRunError("run-not-found", `no checkpoint for run "${runId}"`, where);
  if (checkpoint.flowId !== def.id)
    throw new FlowRunError(
      "flow-mismatch",
      `run "${runId}" belongs to flow "${checkpoint.flowId}", not "${def.id}"`,
      where,
    );
  if (!Object.hasOwn(def.states, checkpoint.state))
    throw new FlowRunError(
      "flow-mismatch",
      `run "${runId}" stopped at state "${checkpoint.state}", which flow "${def.id}" no longer defines`,
      where,
    );
  if (checkpoint.status === "completed") return resultOf(checkpoint, true);
  const { failure: _, ...rest } = checkpoint;
  return drive(def, { ...rest, status: "running" }, options.store, options, true);
}

async function drive<Ctx, S extends string>(
  def: FlowDefinition<Ctx, S>,
  start: FlowCheckpoint,
  store: CheckpointStore,
  options: FlowRunOptions,
  resumed: boolean,
): Promise<FlowResult<Ctx, S>> {
  const env: RunEnv = {
    flowId: def.id,
    runId: start.runId,
    tenant: options.tenant ?? start.tenant,
    store,
    events: options.events ?? globalEvents,
    signal: options.signal,
    schema: schemaOf(def.context),
    pending: new Map(),
  };
  const runContext: CallContext = {
    flowId: env.flowId,
    runId: env.runId,
    ...(env.tenant !== undefined ? { tenant: env.tenant } : {}),
  };
  const maxSteps = options.maxSteps ?? def.maxSteps ?? DEFAULT_MAX_STEPS;
  const states = def.states as Record<string, StateDefinition<unknown, string>>;
  env.events.emit("flow.started", { state: start.state, step: start.step, resumed }, runContext);
  let checkpoint = start;
  for (;;) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const step = checkpoint.step + 1;
    const run: StepRun = {
      env,
      name: checkpoint.state,
      state: states[checkpoint.state]!,
      step,
      stepId: `${checkpoint.state}@${step}`,
      checkpoint,
    };
    if (checkpoint.step >= maxSteps) {
      const message = `flow "${def.id}" reached its limit of ${maxSteps} steps before a terminal state (next: "${run.name}")`;
      const where = { flowId: def.id, runId: env.runId, state: run.name, stepId: run.stepId };
      return fail(run, "step-limit", new FlowRunError("step-limit", message, where), runContext);
    }
    const started = Date.now();
    let result: Awaited<ReturnType<typeof executeState>>;
    try {
      result = await executeState(run);
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      const reason = error instanceof FlowRunError ? error.reason : "step-failed";
      return fail(run, reason, error, runContext);
    }
    const { failure: _, fallbackError: __, ...rest } = checkpoint;
    checkpoint = {
      ...rest,
      status: result.next === undefined ? "completed" : "running",
      state: result.next ?? run.name,
      context: result.context,
      step,
      path: [...checkpoint.path, run.name],
      checkFailures: result.checkFailures,
      ...(result.fallbackError ? { fallbackError: result.fallbackError } : {}),
      updatedAt: Date.now(),
    };
    await store.save(checkpoint);
    env.events.emit(
      "flow.step.finished",
      {
        state: run.name,
        step,
        ...(result.next !== undefined ? { next: result.next } : {}),
        outcome: result.outcome,
        durationMs: Date.now() - started,
      },
      { ...runContext, stepId: run.stepId },
    );
    await options.onCheckpoint?.(checkpoint);
    if (result.next === undefined) {
      env.events.emit("flow.finished", { state: run.name, steps: step, status: "completed" }, runContext);
      return resultOf(checkpoint, resumed);
    }
  }
}

/** Records the failure in the checkpoint, then throws it as a `FlowRunError`. */
async function fail(
  run: StepRun,
  reason: FlowFailureReason,
  error: unknown,
  runContext: CallContext,
): Promise<never> {
  const failure = { ...toFailure(run, error), reason };
  await run.env.store.save({ ...run.checkpoint, status: "failed", failure, updatedAt: Date.now() });
  run.env.events.emit(
    "flow.finished",
    { state: run.name, steps: run.checkpoint.step, status: "failed", reason },
    runContext,
  );
  const ours =
    error instanceof FlowRunError && error.flowId === run.env.flowId && error.runId === run.env.runId;
  if (ours && error.reason === reason) throw error;
  const message =
    reason === "step-failed"
      ? `flow "${run.env.flowId}" failed at step "${run.stepId}": ${failure.message}`
      : failure.message;
  throw new FlowRunError(
    reason,
    message,
    { flowId: run.env.flowId, runId: run.env.runId, state: run.name, stepId: run.stepId },
    { cause: error, ...(isKeelError(error) ? { provider: error.provider } : {}) },
  );
}

function resultOf<Ctx, S extends string>(checkpoint: FlowCheckpoint, resumed: boolean): FlowResult<Ctx, S> {
  return {
    runId: checkpoint.runId,
    flowId: checkpoint.flowId,
    state: checkpoint.state as S,
    context: checkpoint.context as Ctx,
    steps: checkpoint.step,
    path: checkpoint.path as S[],
    resumed,
  };
}
