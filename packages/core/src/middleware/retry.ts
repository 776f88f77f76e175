import pRetry from "p-retry";
import { abortReason, linkCallOptions, sleep } from "../abort.js";
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
import { streamDone } from "../model-stream.js";
import { wrapModel } from "../pipe.js";
import { toKeelError } from "../to-keel-error.js";
import { isContentEvent } from "./content-event.js";
import { forwardingStream } from "./forwarding-stream.js";
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
 * For `generate` the first attempt runs on its own (most calls need no retry, and p-retry's
 * set-up per call is measurable) and the retries are p-retry's. p-retry computes its own delays
 * and has no per-error delay, so its delay is set to zero and this middleware does its wait
 * (jittered backoff or retry-after) in `onFailedAttempt`, where it also decides to stop by
 * rethrowing the error. Streams forward each attempt's events through a loop of their own with
 * the same policy.
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
    /**
     * Retries after a failed first attempt under p-retry, waiting and deciding as `plan` says.
     * p-retry's attempt 1 is the one already made: it only rethrows `first`.
     */
    function loop<T>(
      call: CallOptions | undefined,
      startedAt: number,
      first: KeelError,
      attempt: () => Promise<T>,
    ): Promise<T> {
      return pRetry(
        async (attemptNumber) => {
          if (attemptNumber === 1) throw first;
          hub.emit("retry.attempted", { model: next.id, attempt: attemptNumber }, call?.context);
          try {
            return await attempt();
          } catch (thrown) {
            throw toKeelError(thrown, next.provider);
          }
        },
        {
          retries: maxAttempts - 1,
          minTimeout: 0,
          onFailedAttempt: async ({ error, attemptNumber }) => {
            const keelError = error as KeelError;
            const delayMs = plan(keelError, attemptNumber, startedAt, call);
            if (delayMs === undefined) throw keelError;
            const payload = { model: next.id, attempt: attemptNumber + 1, delayMs, error: keelError };
            hub.emit("retry.scheduled", payload, call?.context);
            await sleep(delayMs, call?.signal);
          },
        },
      );
    }

    async function generate(request: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      const startedAt = Date.now();
      hub.emit("retry.attempted", { model: next.id, attempt: 1 }, call?.context);
      let first: KeelError;
      try {
        // Most calls succeed at once; only a failed one pays for setting up p-retry.
        return await next.generate(request, call);
      } catch (thrown) {
        first = toKeelError(thrown, next.provider);
      }
      let attemptStartedAt = startedAt;
      const response = await loop(call, startedAt, first, () => {
        attemptStartedAt = Date.now();
        return next.generate(request, call);
      });
      // The caller waited through the failed attempts too.
      return delayedBy(response, attemptStartedAt - startedAt);
    }

    /**
     * Forwards each attempt's events straight from its stream, with the same policy as `loop`
     * (p-retry's callback-driven loop would need a handoff, two promises per event, on this hot
     * path). The answer is the successful attempt's own response, so events are not aggregated here.
     */
    function stream(request: ModelRequest, call?: CallOptions): ModelStream {
      return forwardingStream((settle) => {
        // Fires on caller abort and when the consumer stops early, which ends a running attempt
        // or wait in either case. The deadline needs no timer here: each attempt enforces it.
        const controller = new AbortController();
        const signal = controller.signal;
        const dispose = linkCallOptions(controller, { signal: call?.signal });
        const attemptCall = { ...call, signal };
        let startedAt = 0;
        let attemptStartedAt = 0;
        let attempt = 0;
        let delivered = false;
        let inner: ModelStream | undefined;
        let source: AsyncIterator<StreamEvent> | undefined;
        let state: "open" | "failing" | "closed" = "open";
        let failure: KeelError | undefined;

        const open = (): Promise<IteratorResult<StreamEvent>> => {
          attempt++;
          attemptStartedAt = Date.now();
          hub.emit("retry.attempted", { model: next.id, attempt }, call?.context);
          try {
            inner = next.stream(request, attemptCall);
            source = inner[Symbol.asyncIterator]();
            return source.next().then(onStep, onFailure);
          } catch (thrown) {
            return Promise.resolve(onFailure(thrown));
          }
        };
        const fail = (thrown: unknown): IteratorResult<StreamEvent> => {
          if (state !== "open") return streamDone();
          const error = signal.aborted ? abortReason(signal) : toKeelError(thrown, next.provider);
          state = "failing";
          failure = error;
          dispose();
          settle.reject(error);
          return { value: { type: "error", error }, done: false };
        };
        /** An attempt failed: wait and start the next one, or hand out the error. */
        const onFailure = (
          thrown: unknown,
        ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
          if (state !== "open") return streamDone();
          const error = signal.aborted ? abortReason(signal) : toKeelError(thrown, next.provider);
          const canRetry = !delivered || options.retryStreamAfterFirstToken === true;
          const delayMs = canRetry ? plan(error, attempt, startedAt, attemptCall) : undefined;
          if (delayMs === undefined) return fail(error);
          const payload = { model: next.id, attempt: attempt + 1, delayMs, error };
          hub.emit("retry.scheduled", payload, call?.context);
          return sleep(delayMs, signal).then(() => (state === "open" ? open() : streamDone()), fail);
        };
        const onStep = (
          step: IteratorResult<StreamEvent>,
        ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
          if (state !== "open") return streamDone();
          if (step.done) {
            // The caller waited through the failed attempts too.
            const offsetMs = attemptStartedAt - startedAt;
            return (inner as ModelStream).response.then((answer) => {
              if (state !== "open") return streamDone();
              state = "closed";
              dispose();
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

        return {
          next() {
            if (state === "failing") {
              state = "closed";
              return Promise.reject(failure);
            }
            if (state === "closed") return Promise.resolve(streamDone());
            if (!source) {
              startedAt = Date.now();
              return open();
            }
            return source.next().then(onStep, onFailure);
          },
          async return() {
            const wasOpen = state === "open";
            state = "closed";
            if (wasOpen) {
              // The consumer stopped early: cancel the attempt (or the wait) and settle `response`.
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
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
