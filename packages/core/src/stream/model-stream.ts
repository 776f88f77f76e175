import { abortReason, linkCallOptions } from "../abort.js";
import { AbortedError, type KeelError } from "../errors.js";
import type { CallOptions, ModelResponse, ModelStream, StreamEvent } from "../model.js";
import { toKeelError } from "../to-keel-error.js";
import { forwardingStream, type ResponseSettler } from "./forwarding-stream.js";
import { ResponseAccumulator } from "./response-accumulator.js";
import {
  AbortRacedReads,
  asIs,
  type FusableIterator,
  isFusable,
  type OnError,
  type OnStep,
  ReadThrough,
  rethrow,
  type StepResult,
  settleWith,
} from "./stream-read.js";

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
  /**
   * The stream's one iterator, written by hand rather than as an async generator around the
   * producer: it reuses the producer's result object and, with a fusable producer (Keel's chunk
   * sources) and fusable readers (Keel's middleware), shares one `then` per event with them.
   */
  function run(settle: ResponseSettler): FusableIterator {
    // One controller for caller abort, deadline and a consumer that stops early.
    const controller = new AbortController();
    const dispose = linkCallOptions(controller, init.options);
    const signal = controller.signal;
    const acc = new ResponseAccumulator(init.provider, init.model);
    let source: AsyncIterator<StreamEvent> | undefined;
    let raced: AbortRacedReads | undefined;
    let state: "open" | "failing" | "closed" = "open";
    let failure: KeelError | undefined;

    /** The producer failed: settle, then hand out the `error` event (the next read throws it). */
    const fail = (thrown: unknown): IteratorResult<StreamEvent> => {
      if (state !== "open") return streamDone();
      const error = signal.aborted ? abortReason(signal) : toKeelError(thrown, init.provider);
      state = "failing";
      failure = error;
      dispose();
      // A raced read may have failed while the producer still runs: close it so its cleanup runs.
      if (raced) source?.return?.()?.catch(() => {});
      settle.reject(error);
      return { value: { type: "error", error }, done: false };
    };
    const onStep = (step: IteratorResult<StreamEvent>): StepResult => {
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

    const reads = new ReadThrough(onStep, fail);
    function readThen<R>(onOuterStep: OnStep<R>, onOuterError: OnError<R>): Promise<R> {
      if (state === "failing") {
        state = "closed";
        return settleWith(Promise.reject(failure), onOuterStep, onOuterError);
      }
      if (state === "closed") return settleWith(streamDone(), onOuterStep, onOuterError);
      try {
        source ??= produce(signal)[Symbol.asyncIterator]();
        if (isFusable(source)) return reads.read(source, onOuterStep, onOuterError);
        // A generator cannot be stopped while it awaits: race its reads so an abort ends them.
        raced ??= new AbortRacedReads(signal);
        return reads.after(raced.next(source), onOuterStep, onOuterError);
      } catch (thrown) {
        return settleWith(fail(thrown), onOuterStep, onOuterError);
      }
    }

    return {
      next: () => readThen(asIs, rethrow),
      readThen,
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

  return forwardingStream(run);
}

/** Collects a stream into its response; convenient for `generate` built on `stream`. */
export function collect(stream: ModelStream): Promise<ModelResponse> {
  return stream.response;
}

/** The end of a stream that has nothing more to hand out. */
export function streamDone(): IteratorResult<StreamEvent> {
  return { value: undefined, done: true };
}
