import { abortReason, linkCallOptions } from "../abort.js";
import type { CallOptions, ModelResponse, ModelStream, StreamEvent } from "../model.js";
import { toKeelError } from "../to-keel-error.js";
import { ResponseAccumulator } from "./response-accumulator.js";
import { streamLayer } from "./stream-layer.js";

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
 * A read in flight ends as soon as the signal fires even if the producer is slow to notice:
 * reads of a plain async iterable (a generator) are raced against the signal. A
 * `chunkEventSource` producer is read directly, one `then` per chunk, and trusted to end its
 * reads on abort (the SDK's aborted fetch does).
 */
export function createModelStream(
  produce: (signal: AbortSignal) => AsyncIterable<StreamEvent>,
  init: ModelStreamInit,
): ModelStream {
  // One controller for caller abort, deadline and a consumer that stops early.
  const controller = new AbortController();
  let dispose: (() => void) | undefined;
  let acc: ResponseAccumulator;
  return streamLayer({
    open() {
      dispose = linkCallOptions(controller, init.options);
      acc = new ResponseAccumulator(init.provider, init.model);
      return produce(controller.signal)[Symbol.asyncIterator]();
    },
    signal: controller.signal,
    event: (event) => acc.add(event),
    end() {
      const final = acc.finish();
      return init.finalize ? init.finalize(final) : final;
    },
    toError: (thrown) =>
      controller.signal.aborted ? abortReason(controller.signal) : toKeelError(thrown, init.provider),
    cleanup(how, reason) {
      // The consumer stopped early: cancel the request.
      if (how === "close") controller.abort(reason);
      dispose?.();
    },
  });
}

/** Collects a stream into its response; convenient for `generate` built on `stream`. */
export function collect(stream: ModelStream): Promise<ModelResponse> {
  return stream.response;
}

/** The end of a stream that has nothing more to hand out. */
export function streamDone(): IteratorResult<StreamEvent> {
  return { value: undefined, done: true };
}
