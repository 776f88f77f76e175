import { InvalidRequestError } from "../errors.js";
import type { ModelRequest, ModelResponse } from "../model.js";
import type { CachedResponse } from "./cache-store.js";

/**
 * Per-call cache control, read from `request.metadata` (never part of any key):
 * `"keel.cache"`: `"bypass"` (no lookup, no store) or `"refresh"` (no lookup; store the new answer);
 * `"keel.cache.threshold"`: a stricter semantic threshold for this call.
 */
export const CACHE_CONTROL_KEY = "keel.cache";
export const CACHE_THRESHOLD_KEY = "keel.cache.threshold";

export type CacheMode = "use" | "bypass" | "refresh";

/** The cache mode a request asks for. */
export function cacheMode(request: ModelRequest): CacheMode {
  const value = request.metadata?.[CACHE_CONTROL_KEY];
  if (value === undefined || value === "use") return "use";
  if (value === "bypass" || value === "refresh") return value;
  throw new InvalidRequestError(
    `metadata["${CACHE_CONTROL_KEY}"] must be "use", "bypass" or "refresh", got "${value}"`,
  );
}

/** The similarity threshold for this call: the configured floor, or a stricter per-call value. */
export function callThreshold(request: ModelRequest, floor: number): number {
  const raw = request.metadata?.[CACHE_THRESHOLD_KEY];
  if (raw === undefined) return floor;
  const value = Number(raw);
  if (!(value >= floor && value <= 1))
    throw new InvalidRequestError(
      `metadata["${CACHE_THRESHOLD_KEY}"] must be a number between the cache's threshold ${floor} and 1 ` +
        `(a call may only tighten it), got "${raw}"`,
    );
  return value;
}

/** Why an answer must not be cached, or undefined when it may be. */
export function uncacheableReason(response: ModelResponse): string | undefined {
  if (response.finishReason === "error") return "error";
  if (response.finishReason === "content-filter") return "content-filter";
  if (response.refusal !== undefined) return "refusal";
  if (response.finishReason === "length" && response.toolCalls.length > 0)
    return "length-truncated-tool-call";
  // A fallback model's answer must not stand in for the requested model's after it recovers.
  if (response.failovers?.length) return "failed-over";
  if (response.content.length === 0) return "empty";
  return undefined;
}

/** The storable part of a response. */
export function toCached(response: ModelResponse): CachedResponse {
  const { raw: _raw, timings: _timings, cached: _cached, ...rest } = response;
  return rest;
}

/** A cached answer handed to a caller: a private copy, marked `cached`. */
export function fromCached(cached: CachedResponse, startedAt: number): ModelResponse {
  return { ...structuredClone(cached), cached: true, timings: { totalMs: Date.now() - startedAt } };
}
