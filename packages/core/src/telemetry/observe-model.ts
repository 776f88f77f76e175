import { AbortedError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { Middleware, Model, ModelResponse, ModelStream, StreamEvent } from "../model.js";
import { isContentEvent } from "../stream/content-event.js";
import {
  asIs,
  type FusableIterator,
  isFusable,
  ReadThrough,
  rethrow,
  type StepResult,
} from "../stream/stream-read.js";
import { requestProblem } from "../validate-request.js";
import { CallObservation } from "./call-observation.js";

export interface ObserveOptions {
  /** Where `model.call.*` events go. Default: the global `events` hub. */
  events?: EventHub;
}

/**
 * Wraps a model so each `generate` and `stream` call emits `model.call.started` and then
 * `model.call.finished` (usage, finish reason, served model, request id, timings) or
 * `model.call.failed`. When the hub has no listener the call goes straight through: no payload,
 * no clock read, no wrapper stream. Providers wrap themselves with it, so each request they send
 * is one observed call; prompt and answer are attached only after `captureContent()`.
 */
export function observeModel(model: Model, options: ObserveOptions = {}): Model {
  const hub = options.events ?? globalEvents;
  return {
    provider: model.provider,
    id: model.id,
    capabilities: model.capabilities,
    generate(request, call) {
      // A malformed request is refused by the model itself, typed, before anything is sent: it is
      // not a call, and recording its prompt could fail on the very fields that are wrong.
      if (!hub.active || requestProblem(request) !== undefined) return model.generate(request, call);
      const observation = new CallObservation(hub, model, request, call, false);
      observation.start();
      return model.generate(request, call).then(
        (response) => {
          observation.finished(response);
          return response;
        },
        (error: unknown) => {
          observation.failed(error);
          throw error;
        },
      );
    },
    stream(request, call) {
      if (!hub.active || requestProblem(request) !== undefined) return model.stream(request, call);
      return observedStream(
        model.stream(request, call),
        new CallObservation(hub, model, request, call, true),
      );
    },
  };
}

/** `observeModel` as middleware, for models that do not observe themselves. */
export function observe(options: ObserveOptions = {}): Middleware {
  return (next) => observeModel(next, options);
}

/**
 * Passes a stream through, timing its first content event and reporting how it ended. The
 * inner stream is started the way the caller starts this one (iteration or `response`), so
 * iterate-once semantics and early-close cancellation are the inner stream's own. Over one of
 * Keel's own streams it is fusable too, so observing a call adds no promise per event.
 */
function observedStream(inner: ModelStream, observation: CallObservation): ModelStream {
  let mode: "idle" | "iterating" | "awaiting" = "idle";
  let settled: Promise<ModelResponse> | undefined;

  function watch(source: AsyncIterator<StreamEvent>): AsyncIterableIterator<StreamEvent> {
    observation.start();
    let ended = false;
    const onStep = (step: IteratorResult<StreamEvent>): StepResult => {
      if (!step.done) {
        if (isContentEvent(step.value)) observation.firstToken();
        return step;
      }
      if (ended) return step;
      ended = true;
      return inner.response.then(
        (response) => {
          observation.finished(response);
          return step;
        },
        (error: unknown) => {
          observation.failed(error);
          return step;
        },
      );
    };
    const onError = (error: unknown): never => {
      if (!ended) {
        ended = true;
        observation.failed(error);
      }
      throw error;
    };
    const reads = new ReadThrough(onStep, onError);
    const iterator: AsyncIterableIterator<StreamEvent> = {
      next: () => reads.read(source, asIs, rethrow),
      async return() {
        if (!ended) {
          ended = true;
          observation.failed(new AbortedError("the stream was closed before it ended"));
          await source.return?.();
        }
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    // Fusable only over a source that is: a foreign stream's reads must stay raceable further out.
    if (!isFusable(source)) return iterator;
    const fusable: FusableIterator = {
      ...iterator,
      readThen: (onOuterStep, onOuterError) => reads.read(source, onOuterStep, onOuterError),
    };
    return fusable;
  }

  return {
    [Symbol.asyncIterator]() {
      // A second iteration, or one after `response`, gets the inner stream's own error.
      if (mode !== "idle") return inner[Symbol.asyncIterator]();
      mode = "iterating";
      return watch(inner[Symbol.asyncIterator]());
    },
    get response() {
      if (mode === "iterating") return inner.response;
      if (!settled) {
        mode = "awaiting";
        observation.start();
        settled = inner.response.then(
          (response) => {
            observation.finished(response);
            return response;
          },
          (error: unknown) => {
            observation.failed(error);
            throw error;
          },
        );
        settled.catch(() => {});
      }
      return settled;
    },
  };
}
