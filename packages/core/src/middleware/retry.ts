import pRetry from "p-retry";
import { sleep } from "../abort.js";
import { AbortedError, type KeelError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse, StreamEvent } from "../model.js";
import { createModelStream } from "../model-stream.js";
import { wrapModel } from "../pipe.js";
import { toKeelError } from "../to-keel-error.js";
import { isContentEvent } from "./content-event.js";
import { checkNumberOption, MAX_TIMER_MS } from "./option-checks.js";
import { delayedBy, forwardedResponse } from "./queue-timings.js";

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
 * For `generate` the loop is p-retry's. p-retry computes its own delays and has no per-error
 * delay, so its delay is set to zero and this middleware does its wait (jittered backoff or
 * retry-after) in `onFailedAttempt`, where it also decides to stop by rethrowing the error.
 * Streams pull each attempt's events straight through a loop of their own with the same policy.
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
    /** Runs `attempt` under p-retry, waiting and deciding as `plan` says. */
    function loop<T>(call: CallOptions | undefined, attempt: () => Promise<T>): Promise<T> {
      const startedAt = Date.now();
      return pRetry(
        async (attemptNumber) => {
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
      let attemptStartedAt = startedAt;
      const response = await loop(call, () => {
        attemptStartedAt = Date.now();
        return next.generate(request, call);
      });
      // The caller waited through the failed attempts too.
      return delayedBy(response, attemptStartedAt - startedAt);
    }

    function stream(request: ModelRequest, call?: CallOptions) {
      let answer: ModelResponse | undefined;
      /**
       * Pulls each attempt's events straight through, with the same policy as `loop` (p-retry's
       * callback-driven loop would need a handoff, two promises per event, on this hot path).
       */
      async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
        // `signal` fires on caller abort, deadline, and when the consumer stops early (the
        // stream's own cleanup aborts it), which ends a running attempt or wait in every case.
        const attemptCall = { ...call, signal };
        const startedAt = Date.now();
        let delivered = false;
        for (let attempt = 1; ; attempt++) {
          hub.emit("retry.attempted", { model: next.id, attempt }, call?.context);
          try {
            const inner = next.stream(request, attemptCall);
            for await (const event of inner) {
              // A failing stream yields `error` and then throws it; the throw is what is retried.
              if (event.type === "error") continue;
              if (isContentEvent(event)) delivered = true;
              yield event;
            }
            answer = await inner.response;
            return;
          } catch (thrown) {
            const error = toKeelError(thrown, next.provider);
            const canRetry = !delivered || options.retryStreamAfterFirstToken === true;
            const delayMs = canRetry ? plan(error, attempt, startedAt, attemptCall) : undefined;
            if (delayMs === undefined) throw error;
            hub.emit(
              "retry.scheduled",
              { model: next.id, attempt: attempt + 1, delayMs, error },
              call?.context,
            );
            await sleep(delayMs, signal);
          }
        }
      }
      return createModelStream(produce, {
        provider: next.provider,
        model: next.id,
        options: call,
        finalize: (outer) => forwardedResponse(outer, answer),
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
