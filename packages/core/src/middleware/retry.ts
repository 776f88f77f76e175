import { abortReason, cancellableSleep, sleep } from "../abort.js";
import { AbortedError, type KeelError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type {
  CallOptions,
  Middleware,
  Model,
  ModelRequest,
  ModelResponse,
  ModelStream,
  StreamEvent,
} from "../model.js";
import { wrapModel } from "../pipe.js";
import { isContentEvent } from "../stream/content-event.js";
import { forwardingStream } from "../stream/forwarding-stream.js";
import { streamDone } from "../stream/model-stream.js";
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
} from "../stream/stream-read.js";
import { toKeelError } from "../to-keel-error.js";
import { checkNumberOption, MAX_TIMER_MS } from "./option-checks.js";
import { delayedBy } from "./queue-timings.js";

export interface RetryOptions {
  /** Attempts in total, the first included. Default 3. */
  maxAttempts?: number;
  /** Upper bound of the first backoff window; it doubles on each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Largest backoff window. Default 20 000 ms. */
  maxDelayMs?: number;
  /**
   * Time budget for the call, from its start: a retry whose wait would end at or past it is not
   * made, and the last error is thrown at once. It never cuts a running attempt short; use
   * `timeout` for that. Default: no budget (the call's `deadline` still applies the same way).
   */
  maxTotalMs?: number;
  /**
   * Longest provider-requested wait (`retryAfterMs`) worth honouring; an error asking for longer
   * ends retrying at once, so the caller can fall back or report it. Default 60 000 ms.
   */
  maxRetryAfterMs?: number;
  /**
   * Decides whether an error is worth another attempt (`attempt` is the attempt that failed,
   * from 1). Default: `error.retryable`. Aborts by the caller are never retried.
   */
  shouldRetry?: (error: KeelError, attempt: number) => boolean;
  /**
   * Retry a stream even after content reached the caller. The caller then sees the failed
   * attempt's partial events followed by the new attempt's full output; `response` holds only
   * the successful attempt. Default false.
   */
  retryStreamAfterFirstToken?: boolean;
  /** Source of randomness in [0, 1) for jitter; inject a fixed one in tests. Default `Math.random`. */
  random?: () => number;
  /** Where `retry.attempted` and `retry.scheduled` go. Default: the global `events` hub. */
  events?: EventHub;
}

/** Share of a provider-requested wait added at random on top of it, so clients told the same wait do not return together. */
const RETRY_AFTER_JITTER = 0.1;

/**
 * Retries failed calls with exponential backoff and full jitter, honouring the provider's
 * `retryAfterMs`, within attempt and time budgets. Streams are retried only until their first
 * content event reaches the caller. After giving up it throws the last error unchanged.
 *
 * `generate` is a plain loop over `plan` (which computes every wait: jittered backoff or the
 * provider's retry-after, within the budgets) and a cancellable sleep. It used p-retry, but
 * p-retry has no per-error delay, so Keel already computed each wait itself and p-retry only
 * looped, while importing it cost ~4 ms of every process's startup (a quarter of the import
 * budget, bench/src/overhead). Streams forward each attempt's events through a loop of their own
 * with the same policy.
 */
export function retry(options: RetryOptions = {}): Middleware {
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const hub = options.events ?? globalEvents;
  checkNumberOption("retry", "maxAttempts", maxAttempts, { min: 1, max: 1000, integer: true });
  checkNumberOption("retry", "baseDelayMs", baseDelayMs);
  checkNumberOption("retry", "maxDelayMs", maxDelayMs);
  checkNumberOption("retry", "maxTotalMs", options.maxTotalMs);
  checkNumberOption("retry", "maxRetryAfterMs", maxRetryAfterMs);

  /** Milliseconds to wait before the next attempt, or undefined to give up. */
  function plan(error: KeelError, attempt: number, startedAt: number, call: CallOptions | undefined) {
    if (error instanceof AbortedError || call?.signal?.aborted) return undefined;
    if (attempt >= maxAttempts) return undefined;
    if (!(options.shouldRetry ? options.shouldRetry(error, attempt) : error.retryable)) return undefined;
    let delay: number;
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > maxRetryAfterMs) return undefined;
      delay = error.retryAfterMs * (1 + RETRY_AFTER_JITTER * random());
    } else {
      delay = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    }
    delay = Math.min(MAX_TIMER_MS, Math.round(delay));
    const resumeAt = Date.now() + delay;
    if (options.maxTotalMs !== undefined && resumeAt >= startedAt + options.maxTotalMs) return undefined;
    if (call?.deadline !== undefined && resumeAt >= call.deadline) return undefined;
    return delay;
  }

  return (next: Model) => {
    async function generate(request: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      const startedAt = Date.now();
      let attemptStartedAt = startedAt;
      for (let attempt = 1; ; attempt++) {
        hub.emit("retry.attempted", { model: next.id, attempt }, call?.context);
        try {
          const response = await next.generate(request, call);
          // The caller waited through the failed attempts too.
          return attempt === 1 ? response : delayedBy(response, attemptStartedAt - startedAt);
        } catch (thrown) {
          const error = toKeelError(thrown, next.provider);
          const delayMs = plan(error, attempt, startedAt, call);
          if (delayMs === undefined) throw error;
          hub.emit(
            "retry.scheduled",
            { model: next.id, attempt: attempt + 1, delayMs, error },
            call?.context,
          );
          await sleep(delayMs, call?.signal);
          attemptStartedAt = Date.now();
        }
      }
    }

    /**
     * Forwards each attempt's events straight from its stream, with the same policy as `loop`
     * (p-retry's callback-driven loop would need a handoff, two promises per event, on this hot
     * path). The answer is the successful attempt's own response, so events are not aggregated here.
     */
    function stream(request: ModelRequest, call?: CallOptions): ModelStream {
      return forwardingStream((settle) => {
        // Attempts get the caller's options as they are: each attempt enforces the deadline and
        // the caller's signal itself, and a consumer that stops early closes the attempt (which
        // cancels its request) or cancels the wait. No controller of its own: this is the hot path.
        const signal = call?.signal;
        let cancelWait: (() => void) | undefined;
        // The caller's signal may outlive this stream: the race's listener is removed at the end.
        let raced: AbortRacedReads | undefined;
        let startedAt = 0;
        let attemptStartedAt = 0;
        let attempt = 0;
        let delivered = false;
        let inner: ModelStream | undefined;
        let source: AsyncIterator<StreamEvent> | undefined;
        let state: "open" | "failing" | "closed" = "open";
        let failure: KeelError | undefined;

        /** Starts an attempt and reads its first step, through the reader's handlers. */
        function openThen<R>(onOuterStep: OnStep<R>, onOuterError: OnError<R>): Promise<R> {
          attempt++;
          attemptStartedAt = Date.now();
          hub.emit("retry.attempted", { model: next.id, attempt }, call?.context);
          try {
            inner = next.stream(request, call);
            source = inner[Symbol.asyncIterator]();
            return read(source, onOuterStep, onOuterError);
          } catch (thrown) {
            return settleWith(onFailure(thrown), onOuterStep, onOuterError);
          }
        }
        /**
         * One read of the current attempt. Keel's own streams end a read in flight on abort; any
         * other stream's reads are raced against the caller's signal, so an abort ends them too.
         */
        function read<R>(
          src: AsyncIterator<StreamEvent>,
          onOuterStep: OnStep<R>,
          onOuterError: OnError<R>,
        ): Promise<R> {
          if (!signal || isFusable(src)) return reads.read(src, onOuterStep, onOuterError);
          raced ??= new AbortRacedReads(signal);
          return reads.after(raced.next(src), onOuterStep, onOuterError);
        }
        const open = () => openThen(asIs, rethrow);
        const fail = (thrown: unknown): IteratorResult<StreamEvent> => {
          if (state !== "open") return streamDone();
          const error = signal?.aborted ? abortReason(signal) : toKeelError(thrown, next.provider);
          state = "failing";
          failure = error;
          if (raced) {
            raced.dispose();
            // A raced read may have failed while the attempt still runs: close it.
            source?.return?.()?.catch(() => {});
          }
          settle.reject(error);
          return { value: { type: "error", error }, done: false };
        };
        /** An attempt failed: wait and start the next one, or hand out the error. */
        const onFailure = (thrown: unknown): StepResult => {
          if (state !== "open") return streamDone();
          const error = signal?.aborted ? abortReason(signal) : toKeelError(thrown, next.provider);
          const canRetry = !delivered || options.retryStreamAfterFirstToken === true;
          const delayMs = canRetry ? plan(error, attempt, startedAt, call) : undefined;
          if (delayMs === undefined) return fail(error);
          const payload = { model: next.id, attempt: attempt + 1, delayMs, error };
          hub.emit("retry.scheduled", payload, call?.context);
          const wait = cancellableSleep(delayMs, signal);
          cancelWait = wait.cancel;
          return wait.done.then(() => {
            cancelWait = undefined;
            return state === "open" ? open() : streamDone();
          }, fail);
        };
        const onStep = (step: IteratorResult<StreamEvent>): StepResult => {
          if (state !== "open") return streamDone();
          if (step.done) {
            // The caller waited through the failed attempts too.
            const offsetMs = attemptStartedAt - startedAt;
            return (inner as ModelStream).response.then((answer) => {
              if (state !== "open") return streamDone();
              state = "closed";
              raced?.dispose();
              settle.resolve(delayedBy(answer, offsetMs));
              return step;
            }, onFailure);
          }
          const event = step.value;
          // A failing stream yields `error` and then throws it; the error is what is retried.
          if (event.type === "error") return onFailure(event.error);
          if (!delivered && isContentEvent(event)) delivered = true;
          return step;
        };
        const reads = new ReadThrough(onStep, onFailure);

        function readThen<R>(onOuterStep: OnStep<R>, onOuterError: OnError<R>): Promise<R> {
          if (state === "failing") {
            state = "closed";
            return settleWith(Promise.reject(failure), onOuterStep, onOuterError);
          }
          if (state === "closed") return settleWith(streamDone(), onOuterStep, onOuterError);
          if (!source) {
            startedAt = Date.now();
            return openThen(onOuterStep, onOuterError);
          }
          try {
            return read(source, onOuterStep, onOuterError);
          } catch (thrown) {
            return settleWith(onFailure(thrown), onOuterStep, onOuterError);
          }
        }

        const iterator: FusableIterator = {
          next: () => readThen(asIs, rethrow),
          readThen,
          async return() {
            const wasOpen = state === "open";
            state = "closed";
            if (wasOpen) {
              // The consumer stopped early: cancel the wait or close the attempt (which cancels its
              // request), and settle `response`.
              settle.reject(new AbortedError("the stream was closed before it ended"));
              raced?.dispose();
              cancelWait?.();
              await source?.return?.();
            }
            return streamDone();
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        };
        return iterator;
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
