import type { z } from "zod";
import type { EventHub, KeelEventMap, KeelEventType } from "../events.js";
import type { CallContext, CallOptions, Model, ModelRequest, ModelResponse, ModelStream } from "../model.js";
import {
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
} from "../structured/generate-object.js";
import { type ObjectStream, streamObject } from "../structured/stream-object.js";
import { type RunToolsOptions, type RunToolsResult, runTools } from "../tools/run-tools.js";
import { type CheckpointStore, jsonRoundTrip, type StepFailure } from "./checkpoint-store.js";

/**
 * What a step's action gets besides the context: ids, the signal and deadline of this attempt,
 * model calls that carry the step's ids into telemetry, and `once` for side effects.
 */
export interface StepIO {
  readonly flowId: string;
  readonly runId: string;
  /** `<state>@<step>`, e.g. `draft@3`; branches add `/<branch>`. The same after a resume. */
  readonly stepId: string;
  readonly state: string;
  /** This step's number in the run, from 1. */
  readonly step: number;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** Fires on the run's abort or this attempt's timeout. */
  readonly signal: AbortSignal;
  /** The attempt's deadline (ms since epoch), when the step has a timeout. */
  readonly deadline: number | undefined;
  /** The ids copied onto every telemetry event of the step. */
  readonly callContext: CallContext;
  /** Signal, deadline and context for calling a model directly: `model.generate(req, io.callOptions)`. */
  readonly callOptions: CallOptions;
  /** Why this state was entered through a fallback, when it was. */
  readonly fallbackError: StepFailure | undefined;
  /**
   * Runs a side effect at most once per step, even across retries and resumes: the first
   * completed result is recorded under `key` and returned again later. Results must be JSON
   * values. A crash between the effect and its record can still repeat it; keep effects
   * idempotent where that matters.
   */
  once<T>(key: string, effect: () => T | Promise<T>): Promise<T>;
  generate(model: Model, request: ModelRequest): Promise<ModelResponse>;
  stream(model: Model, request: ModelRequest): ModelStream;
  generateObject<S extends z.ZodType>(
    model: Model,
    options: GenerateObjectOptions<S>,
  ): Promise<GenerateObjectResult<z.output<S>>>;
  streamObject<S extends z.ZodType>(
    model: Model,
    options: GenerateObjectOptions<S>,
  ): ObjectStream<z.output<S>>;
  runTools(model: Model, options: RunToolsOptions): Promise<RunToolsResult>;
  /** The model wrapped in the step's `middleware`, for calls made outside these helpers. */
  model(model: Model): Model;
  /** Emits a telemetry event carrying the step's ids. */
  emit<K extends KeelEventType>(type: K, payload: KeelEventMap[K]): void;
}

/** What the runner knows about the attempt an io is made for. */
export interface StepScope {
  flowId: string;
  runId: string;
  stepId: string;
  state: string;
  step: number;
  attempt: number;
  signal: AbortSignal;
  deadline: number | undefined;
  tenant: string | undefined;
  fallbackError: StepFailure | undefined;
  store: CheckpointStore;
  events: EventHub;
  /** Applies the step's model middleware. */
  wrap: (model: Model) => Model;
  /** In-flight `once` calls of the run, so concurrent calls with one key share one effect. */
  pending: Map<string, Promise<unknown>>;
}

/** Builds the io for one attempt of a step (or of a branch, with its own step id). */
export function createStepIO(scope: StepScope): StepIO {
  const callContext: CallContext = {
    flowId: scope.flowId,
    runId: scope.runId,
    stepId: scope.stepId,
    ...(scope.tenant !== undefined ? { tenant: scope.tenant } : {}),
  };
  const callOptions: CallOptions = {
    signal: scope.signal,
    context: callContext,
    ...(scope.deadline !== undefined ? { deadline: scope.deadline } : {}),
  };
  return {
    flowId: scope.flowId,
    runId: scope.runId,
    stepId: scope.stepId,
    state: scope.state,
    step: scope.step,
    attempt: scope.attempt,
    signal: scope.signal,
    deadline: scope.deadline,
    callContext,
    callOptions,
    fallbackError: scope.fallbackError,
    once: (key, effect) => once(scope, `${scope.stepId}/${key}`, effect),
    generate: (model, request) => scope.wrap(model).generate(request, callOptions),
    stream: (model, request) => scope.wrap(model).stream(request, callOptions),
    generateObject: (model, options) => generateObject(scope.wrap(model), options, callOptions),
    streamObject: (model, options) => streamObject(scope.wrap(model), options, callOptions),
    runTools: (model, options) =>
      runTools(scope.wrap(model), { events: scope.events, ...options }, callOptions),
    model: scope.wrap,
    emit: (type, payload) => scope.events.emit(type, payload, callContext),
  };
}

async function once<T>(scope: StepScope, key: string, effect: () => T | Promise<T>): Promise<T> {
  const inFlight = scope.pending.get(key);
  if (inFlight) return inFlight as Promise<T>;
  const run = (async () => {
    const recorded = await scope.store.loadEffect(scope.runId, key);
    if (recorded) return recorded.value as T;
    const value = jsonRoundTrip(await effect());
    await scope.store.saveEffect(scope.runId, key, value);
    return value;
  })();
  scope.pending.set(key, run);
  try {
    return await run;
  } finally {
    scope.pending.delete(key);
  }
}
