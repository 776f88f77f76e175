import type { ModelResponse } from "../model.js";

/**
 * Re-times a response for a caller whose wait began `offsetMs` before the answering request did
 * (queueing, earlier failed attempts): total and first-token times grow by the offset.
 */
export function delayedBy(response: ModelResponse, offsetMs: number): ModelResponse {
  if (offsetMs <= 0) return response;
  const { timings } = response;
  return {
    ...response,
    timings: {
      ...timings,
      totalMs: timings.totalMs + offsetMs,
      ...(timings.timeToFirstTokenMs !== undefined
        ? { timeToFirstTokenMs: timings.timeToFirstTokenMs + offsetMs }
        : {}),
    },
  };
}

/** Adds `waitedMs` spent in a Keel queue to `timings.queuedMs` (summing with queues further in). */
export function withQueuedMs(response: ModelResponse, waitedMs: number): ModelResponse {
  return {
    ...response,
    timings: { ...response.timings, queuedMs: (response.timings.queuedMs ?? 0) + waitedMs },
  };
}

/**
 * The answer a forwarding middleware reports for a stream: the inner model's response, which keeps
 * what events cannot carry (failovers, cache hits, queue time further in), timed as this
 * middleware's caller saw it (`outer`, measured around the whole forwarded stream).
 */
export function forwardedResponse(outer: ModelResponse, inner: ModelResponse | undefined): ModelResponse {
  if (!inner) return outer;
  const { queuedMs } = inner.timings;
  return { ...inner, timings: { ...outer.timings, ...(queuedMs !== undefined ? { queuedMs } : {}) } };
}
