import { AbortedError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import { isContentEvent } from "../middleware/content-event.js";
import type { Middleware, Model, ModelResponse, ModelStream, StreamEvent } from "../model.js";
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
      if (!hub.active) return model.generate(request, call);
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
      if (!hub.active) return model.stream(request, call);
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
 * iterate-once semantics and early-close cancellation are the inner stream's own.
 */
function observedStream(inner: ModelStream, observation: CallObservation): ModelStream {
  let mode: "idle" | "iterating" | "awaiting" = "idle";
  let settled: Promise<ModelResponse> | undefined;

  async function* watch(iterator: AsyncIterator<StreamEvent>): AsyncGenerator<StreamEvent> {
    observation.start();
    let ended = false;
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done) break;
        if (isContentEvent(step.value)) observation.firstToken();
        yield step.value;
      }
      ended = true;
    } catch (error) {
      ended = true;
      observation.failed(error);
      throw error;
    } finally {
      if (!ended) {
        observation.failed(new AbortedError("the stream was closed before it ended"));
        await iterator.return?.();
      }
    }
    try {
      observation.finished(await inner.response);
    } catch (error) {
      observation.failed(error);
    }
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
