import { abortReason, linkCallOptions } from "./abort.js";
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

  /**
   * The stream's one iterator, written by hand rather than as an async generator around the
   * producer: each event costs one `then` and reuses the producer's result object, which matters
   * because every middleware layer adds one of these to every event of every stream.
   */
  function run(): AsyncIterableIterator<StreamEvent> {
    // One controller for caller abort, deadline and a consumer that stops early.
    const controller = new AbortController();
    const dispose = linkCallOptions(controller, init.options);
    const signal = controller.signal;
    const acc = new ResponseAccumulator(init.provider, init.model);
    let source: AsyncIterator<StreamEvent> | undefined;
    let state: "open" | "failing" | "closed" = "open";
    let failure: KeelError | undefined;

    /** The producer failed: settle, then hand out the `error` event (the next read throws it). */
    const fail = (thrown: unknown): IteratorResult<StreamEvent> => {
      if (state !== "open") return streamDone();
      const error = signal.aborted ? abortReason(signal) : toKeelError(thrown, init.provider);
      state = "failing";
      failure = error;
      dispose();
      settle.reject(error);
      return { value: { type: "error", error }, done: false };
    };
    const onStep = (
      step: IteratorResult<StreamEvent>,
    ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
      if (state !== "open") return streamDone();
      if (step.done) {
        state = "closed";
        dispose();
        const final = acc.finish();
        settle.resolve(init.finalize ? init.finalize(final) : final);
        return step;
      }
      const event = step.value;
      if (event.type === "error") {
        // A producer that yields `error` is closed (its cleanup runs) before the error is handed out.
        const closing = source?.return?.();
        return closing
          ? closing.then(
              () => fail(event.error),
              () => fail(event.error),
            )
          : fail(event.error);
      }
      acc.add(event);
      return step;
    };

    return {
      next() {
        if (state === "failing") {
          state = "closed";
          return Promise.reject(failure);
        }
        if (state === "closed") return Promise.resolve(streamDone());
        try {
          source ??= produce(signal)[Symbol.asyncIterator]();
          return source.next().then(onStep, fail);
        } catch (thrown) {
          return Promise.resolve(fail(thrown));
        }
      },
      async return() {
        const wasOpen = state === "open";
        state = "closed";
        if (wasOpen) {
          // The consumer stopped early: cancel the request and settle `response`.
          const reason = new AbortedError("the stream was closed before it ended");
          controller.abort(reason);
          dispose();
          settle.reject(reason);
          await source?.return?.();
        }
        return streamDone();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
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

/** The end of a stream that has nothing more to hand out. */
export function streamDone(): IteratorResult<StreamEvent> {
  return { value: undefined, done: true };
}
