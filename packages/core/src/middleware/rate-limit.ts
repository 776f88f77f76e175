import { callSignal, earliestDeadline } from "../abort.js";
import { InvalidRequestError, RateLimitedError, TimeoutError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type {
  CallOptions,
  Middleware,
  Model,
  ModelRequest,
  ModelResponse,
  StreamEvent,
  Usage,
} from "../model.js";
import { wrapModel } from "../pipe.js";
import { SharedRateLimiter } from "../shared-state/shared-rate-limiter.js";
import type { SharedState } from "../shared-state/shared-state.js";
import { createModelStream } from "../stream/model-stream.js";
import { estimateRequestTokens } from "../tokens/estimate-tokens.js";
import { checkNumberOption } from "./option-checks.js";
import { delayedBy, forwardedResponse, withQueuedMs } from "./queue-timings.js";
import { type RateCost, RateLimiter } from "./rate-limiter.js";

export interface RateLimitOptions {
  /** Requests allowed per minute (a bucket of this size, refilled continuously). */
  requestsPerMinute?: number;
  /** Tokens (input + output) allowed per minute (a bucket of this size, refilled continuously). */
  tokensPerMinute?: number;
  /**
   * How much may go at once: each bucket holds what its limit allows in this many ms and refills
   * over as long, so the rate stays the limit and only the burst changes. Default 60 000 (a whole
   * minute's quota at once); 6 000 lets at most a tenth of it go in a burst.
   */
  burstMs?: number;
  /** Guesses a call's tokens before it is sent. Default: `estimateRequestTokens`. */
  estimateTokens?: (request: ModelRequest) => number;
  /**
   * Longest a call may wait for capacity. A call whose wait would reach it (or its deadline) fails
   * at once with a `RateLimitedError` whose `retryAfterMs` says how long it would have needed: a
   * wait cut at its limit could not have been served. Default 60 000 ms.
   */
  maxWaitMs?: number;
  /** Where `rate-limit.waited` goes. Default: the global `events` hub. */
  events?: EventHub;
  /**
   * Keeps the buckets in a shared store (e.g. `redisSharedState` from `@keel/core/node`) so every
   * replica draws on one quota. Default: this process's memory.
   */
  store?: SharedState;
  /** Names the quota in the store: middleware with the same store and key share buckets. Default "rate-limit". */
  key?: string;
}

/**
 * Keeps calls within requests-per-minute and tokens-per-minute limits, shared by every call and
 * model through this middleware instance. Tokens are estimated before each call and corrected
 * from `response.usage.totalTokens` after it (a response without usage keeps the estimate; a
 * failed call keeps its charge, since the provider may have counted it). Calls short of capacity
 * wait in FIFO order, abortably, up to `maxWaitMs`; the wait is added to `timings.queuedMs`.
 *
 * With a `store` the buckets are shared by every replica using it (one store round trip per
 * admitted call, on the store's clock; the usage correction follows off the call's path). Calls
 * of one process still wait in FIFO order; between replicas, the first to ask after a refill wins.
 *
 * A call estimated above the whole `tokensPerMinute` (or what `burstMs` lets go at once) can
 * never pass, so it fails at once with an
 * `InvalidRequestError`: like a provider's "request too large" it is not retryable, and only a
 * smaller request (shorter prompt, lower `maxOutputTokens`) or a larger limit helps.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const { requestsPerMinute, tokensPerMinute, maxWaitMs = 60_000, burstMs = 60_000 } = options;
  const positive = { positive: true, max: Number.MAX_SAFE_INTEGER };
  checkNumberOption("rateLimit", "requestsPerMinute", requestsPerMinute, positive);
  checkNumberOption("rateLimit", "tokensPerMinute", tokensPerMinute, positive);
  checkNumberOption("rateLimit", "maxWaitMs", maxWaitMs);
  checkNumberOption("rateLimit", "burstMs", burstMs, { positive: true });
  if (requestsPerMinute === undefined && tokensPerMinute === undefined)
    throw new InvalidRequestError("rateLimit: give `requestsPerMinute`, `tokensPerMinute` or both");
  const estimate = options.estimateTokens ?? estimateRequestTokens;
  const hub = options.events ?? globalEvents;
  const limiter = new RateLimiter({ requestsPerMinute, tokensPerMinute, burstMs });
  const shared = options.store
    ? new SharedRateLimiter(options.store, options.key ?? "rate-limit", {
        requestsPerMinute,
        tokensPerMinute,
        burstMs,
      })
    : undefined;
  /** The most tokens one call can ever take: a full token bucket. */
  const tokenBurst = tokensPerMinute === undefined ? undefined : (tokensPerMinute * burstMs) / 60_000;

  return (next: Model) => {
    function costOf(request: ModelRequest): RateCost {
      if (tokensPerMinute === undefined) return { requests: 1, tokens: 0 };
      const tokens = estimate(request);
      checkNumberOption("rateLimit", "estimateTokens(request)", tokens, { max: Number.MAX_SAFE_INTEGER });
      if (tokens > tokensPerMinute)
        throw new InvalidRequestError(
          `${next.id}: the request needs about ${tokens} tokens, more than the whole rate limit of ` +
            `${tokensPerMinute} tokens per minute; shorten the prompt or lower maxOutputTokens`,
          { provider: next.provider },
        );
      if (tokenBurst !== undefined && tokens > tokenBurst)
        throw new InvalidRequestError(
          `${next.id}: the request needs about ${tokens} tokens, more than the ${tokenBurst} a burst of ` +
            `${burstMs} ms allows; shorten the prompt, lower maxOutputTokens or raise burstMs`,
          { provider: next.provider },
        );
      return { requests: 1, tokens };
    }

    /** Waits for capacity, from the shared store or the local limiter; resolves with how long the call waited. */
    async function admit(cost: RateCost, call: CallOptions | undefined): Promise<number> {
      const startedAt = Date.now();
      if (shared) {
        const store = shared;
        const expected = await store.tryTake(cost);
        if (expected.ok) return 0;
        return waitForCapacity("shared", expected.waitMs, expected.reason, startedAt, call, {
          take: (signal) => store.take(cost, signal),
          waitNow: () => store.lastWaitMs,
        });
      }
      if (limiter.tryTake(cost, startedAt)) return 0;
      const expected = limiter.expectedWait(cost, startedAt);
      return waitForCapacity("local", expected.ms, expected.reason, startedAt, call, {
        take: (signal) => limiter.take(cost, signal),
        waitNow: () => limiter.expectedWait(cost).ms,
      });
    }

    /**
     * The waiting rules of both limiters: refuse at once a wait that reaches `maxWaitMs` or the
     * caller's deadline, else wait for `take` under the earlier of the two.
     */
    async function waitForCapacity(
      scope: "local" | "shared",
      expectedMs: number,
      reason: "requests" | "tokens",
      startedAt: number,
      call: CallOptions | undefined,
      limiterOps: { take(signal: AbortSignal): Promise<unknown>; waitNow(): number },
    ): Promise<number> {
      const allowedMs = Math.min(
        maxWaitMs,
        call?.deadline === undefined ? maxWaitMs : call.deadline - startedAt,
      );
      const tooLong = (ms: number) =>
        new RateLimitedError(
          `${next.id}: the ${scope} ${reason}-per-minute limit needs a ${ms} ms wait, ` +
            `over the ${Math.max(0, allowedMs)} ms this call may wait`,
          { provider: next.provider, retryAfterMs: ms },
        );
      if (expectedMs >= allowedMs) throw tooLong(expectedMs);
      const waitDeadline = startedAt + maxWaitMs;
      const deadline = earliestDeadline(waitDeadline, call?.deadline);
      const wait = callSignal({ signal: call?.signal, deadline });
      try {
        await limiterOps.take(wait.signal);
      } catch (error) {
        // Later upward corrections can stretch a wait past maxWaitMs.
        if (error instanceof TimeoutError && deadline === waitDeadline) throw tooLong(limiterOps.waitNow());
        throw error;
      } finally {
        wait.dispose();
      }
      const waitMs = Date.now() - startedAt;
      hub.emit("rate-limit.waited", { model: next.id, waitMs, reason }, call?.context);
      return waitMs;
    }

    /** Replaces the token estimate with what the call really used, when the provider said. */
    function correct(cost: RateCost, usage: Usage | undefined): void {
      if (tokensPerMinute === undefined || !usage || !(usage.totalTokens > 0)) return;
      if (shared)
        // Off the call's path; a correction the store cannot take leaves the estimate charged.
        shared.adjustTokens(usage.totalTokens - cost.tokens).catch(() => {});
      else limiter.adjustTokens(usage.totalTokens - cost.tokens);
    }

    async function generate(request: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      const cost = costOf(request);
      const waitedMs = await admit(cost, call);
      const response = await next.generate(request, call);
      correct(cost, response.usage);
      return withQueuedMs(delayedBy(response, waitedMs), waitedMs);
    }

    function stream(request: ModelRequest, call?: CallOptions) {
      let answer: ModelResponse | undefined;
      let queuedMs = 0;
      async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
        const cost = costOf(request);
        queuedMs = await admit(cost, { ...call, signal });
        const inner = next.stream(request, { ...call, signal });
        yield* inner;
        answer = await inner.response;
        correct(cost, answer.usage);
      }
      return createModelStream(produce, {
        provider: next.provider,
        model: next.id,
        options: call,
        finalize: (outer) => withQueuedMs(forwardedResponse(outer, answer), queuedMs),
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
