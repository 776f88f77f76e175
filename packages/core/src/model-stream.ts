import { abortReason, callSignal } from "./abort.js";
import { AbortedError, type KeelError } from "./errors.js";
import type { CallOptions, ModelResponse, ModelStream, StreamEvent } from "./model.js";
import { ResponseAccumulator } from "./response-accumulator.js";
import { toKeelError } from "./to-keel-error.js";

export interface ModelStreamInit {
  provider: string;
  model: string;
  options?: CallOptions;
  /** Adjusts the aggregate before `response` resolves (e.g. to mark failovers). */
  finalize?: (response: ModelResponse) => ModelResponse;
}

/**
 * Turns an event producer into a `ModelStream`. The producer receives a signal that fires
 * on caller abort, deadline, or when the consumer stops iterating, and must cancel its
 * request when it does. A producer ends a failed stream by throwing (or yielding `error`).
 */
export function createModelStream(
  produce: (signal: AbortSignal) => AsyncIterable<StreamEvent>,
  init: ModelStreamInit,
): ModelStream {
  let settle!: { resolve: (r: ModelResponse) => void; reject: (e: KeelError) => void };
  const response = new Promise<ModelResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Callers who only iterate never await `response`; its rejection must not be unhandled.
  response.catch(() => {});
  let started = false;

  async function* run(): AsyncGenerator<StreamEvent> {
    const { signal, dispose } = callSignal(init.options);
    const consumer = new AbortController();
    const linked = AbortSignal.any([signal, consumer.signal]);
    const acc = new ResponseAccumulator(init.provider, init.model);
    let done = false;
    try {
      for await (const event of produce(linked)) {
        if (event.type === "error") throw event.error;
        acc.add(event);
        yield event;
      }
      done = true;
      const final = acc.finish();
      settle.resolve(init.finalize ? init.finalize(final) : final);
    } catch (thrown) {
      done = true;
      const error = linked.aborted ? abortReason(linked) : toKeelError(thrown, init.provider);
      settle.reject(error);
      yield { type: "error", error };
      throw error;
    } finally {
      if (!done) {
        // The consumer stopped early: cancel the request and settle `response`.
        const reason = new AbortedError("the stream was closed before it ended");
        consumer.abort(reason);
        settle.reject(reason);
      }
      dispose();
    }
  }

  const stream: ModelStream = {
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError("a ModelStream can be iterated only once");
      started = true;
      return run();
    },
    get response() {
      if (!started) {
        started = true;
        void (async () => {
          try {
            for await (const _ of run());
          } catch {
            // Surfaced through `response`.
          }
        })();
      }
      return response;
    },
  };
  return stream;
}

/** Collects a stream into its response; convenient for `generate` built on `stream`. */
export function collect(stream: ModelStream): Promise<ModelResponse> {
  return stream.response;
}
