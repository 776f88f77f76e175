import { type EventHub, events as globalEvents } from "../events.js";
import { checkNumberOption } from "../middleware/option-checks.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { deferStream, forward, responseEvents } from "../stream/stream-helpers.js";
import { toKeelError } from "../to-keel-error.js";
import type { CacheKind } from "./cache-events.js";
import { customCacheKey, exactCacheKey } from "./cache-key.js";
import { cacheMode, fromCached, toCached, uncacheableReason } from "./cache-policy.js";
import { type CacheEntry, type CacheStore, MemoryCacheStore } from "./cache-store.js";
import { callStore } from "./store-call.js";

export interface CacheOptions {
  /** Defaults to a fresh in-memory LRU store of 10,000 entries. */
  store?: CacheStore;
  /** How long an entry lives, from when it is written (a hit does not extend it). */
  ttlMs?: number;
  /**
   * A custom key (say, to ignore a volatile system-prompt date). The tenant is always hashed in
   * on top, so a custom key can never share entries across tenants.
   */
  key?: (request: ModelRequest, model: Model) => string | Promise<string>;
  /**
   * How long one store operation may take before the cache steps aside and the call goes to the
   * model (a `cache.error` event says so). The call's signal and deadline also end the wait.
   * Default 250 ms: a healthy store answers in a few.
   */
  storeTimeoutMs?: number;
  events?: EventHub;
}

/** The default budget of one exact-cache store operation. */
export const EXACT_STORE_TIMEOUT_MS = 250;

const KIND: CacheKind = "exact";

/**
 * Exact-match response cache. Identical requests (same model, messages, tools, response
 * format, sampling settings and tenant) get the stored answer, marked `cached: true`; a cached
 * stream replays as ordinary stream events. Errors, refusals, content-filtered answers,
 * length-truncated tool calls and failed-over answers are never stored. A store that fails or
 * does not answer within `storeTimeoutMs` never fails or stalls the call: the cache steps aside,
 * the call goes to the model, and a `cache.error` event says why. Per-call control: `cacheMode`.
 */
export function cache(options: CacheOptions = {}): Middleware {
  const store = options.store ?? new MemoryCacheStore();
  const hub = options.events ?? globalEvents;
  checkNumberOption("cache", "storeTimeoutMs", options.storeTimeoutMs, { positive: true });
  const budgetMs = options.storeTimeoutMs ?? EXACT_STORE_TIMEOUT_MS;

  return (next) => {
    const keyOf = async (request: ModelRequest) =>
      options.key ? customCacheKey(await options.key(request, next), request) : exactCacheKey(request, next);

    // A caller that gave up is not a cache failure; the model call that follows ends at once.
    const failed = (operation: "get" | "set", error: unknown, callOptions?: CallOptions) =>
      callOptions?.signal?.aborted ||
      hub.emit(
        "cache.error",
        { kind: KIND, model: next.id, operation, error: toKeelError(error) },
        callOptions?.context,
      );

    /** The stored entry for a request, or undefined (a miss, with its event). */
    async function lookup(
      request: ModelRequest,
      key: string,
      callOptions?: CallOptions,
    ): Promise<CacheEntry | undefined> {
      const mode = cacheMode(request);
      if (mode !== "use") {
        hub.emit("cache.miss", { kind: KIND, model: next.id, key, reason: mode }, callOptions?.context);
        return undefined;
      }
      let entry: CacheEntry | undefined;
      try {
        entry = await callStore((o) => store.get(key, o), budgetMs, callOptions);
      } catch (error) {
        failed("get", error, callOptions);
      }
      if (entry)
        hub.emit(
          "cache.hit",
          { kind: KIND, model: next.id, key, ageMs: Date.now() - entry.storedAt },
          callOptions?.context,
        );
      else
        hub.emit(
          "cache.miss",
          { kind: KIND, model: next.id, key, reason: "not-found" },
          callOptions?.context,
        );
      return entry;
    }

    async function save(
      request: ModelRequest,
      key: string,
      response: ModelResponse,
      callOptions?: CallOptions,
    ) {
      if (cacheMode(request) === "bypass") return;
      const reason = uncacheableReason(response);
      if (reason) {
        hub.emit("cache.skipped", { kind: KIND, model: next.id, reason }, callOptions?.context);
        return;
      }
      try {
        const entry = { response: toCached(response), storedAt: Date.now() };
        await callStore((o) => store.set(key, entry, options.ttlMs, o), budgetMs, callOptions);
        hub.emit("cache.stored", { kind: KIND, model: next.id, key }, callOptions?.context);
      } catch (error) {
        failed("set", error, callOptions);
      }
    }

    return wrapModel(next, {
      async generate(request, callOptions) {
        const startedAt = Date.now();
        const key = await keyOf(request);
        const entry = await lookup(request, key, callOptions);
        if (entry) return fromCached(entry.response, startedAt);
        const response = await next.generate(request, callOptions);
        await save(request, key, response, callOptions);
        return response;
      },
      stream(request, callOptions) {
        const startedAt = Date.now();
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
          async function* () {
            const key = await keyOf(request);
            const entry = await lookup(request, key, callOptions);
            if (entry) {
              final = fromCached(entry.response, startedAt);
              yield* responseEvents(final);
              return;
            }
            let live: ModelResponse | undefined;
            yield* forward(next.stream(request, callOptions), (r) => (live = r));
            await save(request, key, live!, callOptions);
            final = live;
          },
          () => final,
        );
      },
    });
  };
}
