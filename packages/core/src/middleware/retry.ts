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
import { streamLayer } from "../stream/stream-layer.js";
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
 * `plan` computes every wait (jittered backoff, or the provider's retry-after, within the
 * budgets); `generate` loops over it with a cancellable sleep, and `stream` is a `streamLayer`
 * whose `recover` hook applies it. The loop is written here rather than taken from p-retry,
 * which has no per-error delay and would add to every process's import time.
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
     * Forwards each attempt's events straight from its stream, with the same policy as
     * `generate`. The answer is the successful attempt's own response, so events are not
     * aggregated here. Attempts get the caller's options as they are: each attempt enforces the
     * deadline and the caller's signal itself, and a consumer that stops early closes the attempt
     * (which cancels its request) or cancels the wait.
     */
    function stream(request: ModelRequest, call?: CallOptions): ModelStream {
      const signal = call?.signal;
      let startedAt = 0;
      let attemptStartedAt = 0;
      let attempt = 0;
      let delivered = false;
      let inner: ModelStream;
      let cancelWait: (() => void) | undefined;
      let closed = false;

      const open = (): AsyncIterator<StreamEvent> => {
        attempt++;
        attemptStartedAt = Date.now();
        hub.emit("retry.attempted", { model: next.id, attempt }, call?.context);
        inner = next.stream(request, call);
        return inner[Symbol.asyncIterator]();
      };
      return streamLayer({
        open() {
          startedAt = Date.now();
          return open();
        },
        signal,
        event(event) {
          if (!delivered && isContentEvent(event)) delivered = true;
        },
        end() {
          // The caller waited through the failed attempts too.
          const offsetMs = attemptStartedAt - startedAt;
          return inner.response.then((answer) => delayedBy(answer, offsetMs));
        },
        toError: (thrown) => (signal?.aborted ? abortReason(signal) : toKeelError(thrown, next.provider)),
        recover(error) {
          const canRetry = !delivered || options.retryStreamAfterFirstToken === true;
          const delayMs = canRetry ? plan(error, attempt, startedAt, call) : undefined;
          if (delayMs === undefined) return undefined;
          hub.emit(
            "retry.scheduled",
            { model: next.id, attempt: attempt + 1, delayMs, error },
            call?.context,
          );
          const wait = cancellableSleep(delayMs, signal);
          cancelWait = wait.cancel;
          return wait.done.then(() => {
            cancelWait = undefined;
            // A consumer that stopped during the wait cancelled it: no new attempt then.
            return closed ? undefined : open();
          });
        },
        cleanup(how) {
          if (how !== "close") return;
          closed = true;
          cancelWait?.();
        },
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
