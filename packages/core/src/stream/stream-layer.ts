import { AbortedError, type KeelError } from "../errors.js";
import type { ModelResponse, ModelStream, StreamEvent } from "../model.js";
import { forwardingStream, type ResponseSettler } from "./forwarding-stream.js";
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

/**
 * What one stream layer does: where its events come from, what it does with each, what its
 * answer is at the end, and what it releases. `streamLayer` owns the rest.
 */
export interface StreamLayerHooks {
  /**
   * Starts the layer at the first read (or when only `response` is asked for) and returns the
   * events to forward: a producer's, or the inner model's stream. A throw fails the stream.
   */
  open(): AsyncIterator<StreamEvent>;
  /**
   * The signal that ends this stream's call, read once `open` has run. A read in flight ends as
   * soon as it fires: Keel's own streams (fusable ones) end their reads themselves; any other
   * source's reads are raced against it. Undefined: nothing can abort the call, reads go as they are.
   */
  readonly signal?: AbortSignal | undefined;
  /** Sees each event on its way out (never `error`, which goes to `recover` / `toError`). */
  event?(event: StreamEvent): void;
  /** The source ended: the stream's answer. A rejection counts as a failure of the source. */
  end(): ModelResponse | Promise<ModelResponse>;
  /** What the stream fails with, for anything thrown by or through the source. */
  toError(thrown: unknown): KeelError;
  /**
   * A failure: a source to continue from (resolving undefined, or returning undefined, gives up
   * and fails with `error`; a rejection is handled as a failure in turn). Without it every
   * failure fails the stream. The failed source has been closed already.
   */
  recover?(error: KeelError): Promise<AsyncIterator<StreamEvent> | undefined> | undefined;
  /**
   * Runs once when the stream is over: it ended (`"end"`), failed (`"fail"`) or the consumer
   * stopped reading (`"close"`, with the `AbortedError` that settles `response`). Release timers
   * and listeners here; on `"fail"` and `"close"` cancel what still runs.
   */
  cleanup?(how: "end" | "fail" | "close", reason?: AbortedError): void;
  /**
   * Whether closing the stream early waits for the source's own `return()` (default true, as a
   * `for await` loop does). False for a layer whose source may be stuck (a timeout): the abort
   * it signalled ends the source, and the consumer is not kept waiting for that.
   */
  readonly awaitSourceOnClose?: boolean;
}

const DONE: IteratorResult<StreamEvent> = { value: undefined, done: true };
const ignore = () => {};

/**
 * A `ModelStream` built from one layer's hooks: what every Keel stream layer (`createModelStream`,
 * `retry`, `timeout`) shares, written once. It owns the open / failing / closed state: a failure
 * settles `response`, hands out one `error` event and then throws it; a read after the end gets
 * `done`; closing early settles `response` with an `AbortedError` and closes the source; reads
 * of a source that is not Keel's are raced against the call's signal. Its iterator is fusable: a
 * stack of such layers over a chunk source costs one `then` per event in all, not one per layer.
 */
export function streamLayer(hooks: StreamLayerHooks): ModelStream {
  return forwardingStream((settle) => layerIterator(hooks, settle));
}

function layerIterator(hooks: StreamLayerHooks, settle: ResponseSettler): FusableIterator {
  let source: AsyncIterator<StreamEvent> | undefined;
  let signal: AbortSignal | undefined;
  let raced: AbortRacedReads | undefined;
  let state: "open" | "failing" | "closed" = "open";
  let failure: KeelError | undefined;

  const over = (how: "end" | "fail" | "close", reason?: AbortedError) => {
    raced?.dispose();
    hooks.cleanup?.(how, reason);
  };
  /** The stream failed for good: settle, then hand out the `error` event (the next read throws it). */
  const fail = (error: KeelError): IteratorResult<StreamEvent> => {
    if (state !== "open") return DONE;
    state = "failing";
    failure = error;
    over("fail");
    settle.reject(error);
    return { value: { type: "error", error }, done: false };
  };
  /** The source failed: close it, then continue from the layer's recovery or fail. */
  const onFailure = (thrown: unknown): StepResult => {
    if (state !== "open") return DONE;
    const error = hooks.toError(thrown);
    // A read raced against the signal may have failed while the source still runs.
    source?.return?.()?.catch(ignore);
    const recovering = hooks.recover?.(error);
    if (!recovering) return fail(error);
    return recovering.then((next) => {
      if (state !== "open") {
        next?.return?.()?.catch(ignore);
        return DONE;
      }
      if (!next) return fail(error);
      source = next;
      return readOwn();
    }, onFailure);
  };
  const onEnd = (answer: ModelResponse): IteratorResult<StreamEvent> => {
    if (state !== "open") return DONE;
    state = "closed";
    over("end");
    settle.resolve(answer);
    return DONE;
  };
  const onStep = (step: IteratorResult<StreamEvent>): StepResult => {
    if (state !== "open") return DONE;
    if (step.done) {
      let answer: ModelResponse | Promise<ModelResponse>;
      try {
        answer = hooks.end();
      } catch (thrown) {
        return onFailure(thrown);
      }
      return answer instanceof Promise ? answer.then(onEnd, onFailure) : onEnd(answer);
    }
    const event = step.value;
    if (event.type === "error") {
      // A source that yields `error` is closed (its cleanup runs) before the error is handled.
      const closing = source?.return?.();
      return closing
        ? closing.then(
            () => onFailure(event.error),
            () => onFailure(event.error),
          )
        : onFailure(event.error);
    }
    hooks.event?.(event);
    return step;
  };
  const reads = new ReadThrough(onStep, onFailure);

  /** One read of the source, with this layer's handlers and then the reader's. */
  function read<R>(onOuterStep: OnStep<R>, onOuterError: OnError<R>): Promise<R> {
    const src = source as AsyncIterator<StreamEvent>;
    if (signal?.aborted) return settleWith(onFailure(signal.reason), onOuterStep, onOuterError);
    if (!signal || isFusable(src)) return reads.read(src, onOuterStep, onOuterError);
    raced ??= new AbortRacedReads(signal);
    return reads.after(raced.next(src), onOuterStep, onOuterError);
  }
  /** A read whose result goes back into this layer's own chain (after a recovery). */
  const readOwn = () => read(asIs, rethrow);

  function readThen<R>(onOuterStep: OnStep<R>, onOuterError: OnError<R>): Promise<R> {
    if (state === "failing") {
      state = "closed";
      return settleWith(Promise.reject(failure), onOuterStep, onOuterError);
    }
    if (state === "closed") return settleWith(DONE, onOuterStep, onOuterError);
    try {
      if (!source) {
        source = hooks.open();
        signal = hooks.signal;
      }
      return read(onOuterStep, onOuterError);
    } catch (thrown) {
      return settleWith(onFailure(thrown), onOuterStep, onOuterError);
    }
  }

  return {
    next: () => readThen(asIs, rethrow),
    readThen,
    async return() {
      const wasOpen = state === "open";
      state = "closed";
      if (wasOpen) {
        const reason = new AbortedError("the stream was closed before it ended");
        over("close", reason);
        settle.reject(reason);
        const closing = source?.return?.();
        if (hooks.awaitSourceOnClose === false) closing?.catch(ignore);
        else await closing;
      }
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
