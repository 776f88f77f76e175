import { callSignal, earliestDeadline } from "../abort.js";
import { OverloadedError, TimeoutError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse, StreamEvent } from "../model.js";
import { wrapModel } from "../pipe.js";
import { LeasedSemaphore } from "../shared-state/leased-semaphore.js";
import type { SharedState } from "../shared-state/shared-state.js";
import { createModelStream } from "../stream/model-stream.js";
import { checkNumberOption } from "./option-checks.js";
import { delayedBy, forwardedResponse, withQueuedMs } from "./queue-timings.js";
import { type Release, Semaphore } from "./semaphore.js";

export interface ConcurrencyOptions {
  /** Most calls in flight at once, across every call and model through this middleware instance. */
  max: number;
  /**
   * Longest a call may wait in the queue; past it the call fails with a `TimeoutError` that says
   * so. Default: no limit (the call's own deadline and signal still end the wait).
   */
  queueTimeoutMs?: number;
  /** Most calls that may wait; one more is shed at once with an `OverloadedError`. Default: no limit. */
  maxQueue?: number;
  /** Where `concurrency.queued` goes. Default: the global `events` hub. */
  events?: EventHub;
  /**
   * Keeps the slots as leases in a shared store (e.g. `redisSharedState` from `@keel/core/node`)
   * so `max` holds across every replica. Default: this process's memory.
   */
  store?: SharedState;
  /** Names the semaphore in the store: middleware with the same store and key share slots. Default "concurrency". */
  key?: string;
  /**
   * With a store: how long a slot's lease lives unless its holder renews it (every third of it),
   * i.e. the longest a dead replica's slots stay taken. Default 10 000 ms.
   */
  leaseMs?: number;
  /** With a store: how often a waiting call asks the store again while every slot is taken. Default 25 ms. */
  pollMs?: number;
}

/**
 * Lets at most `max` calls run at once; the rest wait in a FIFO queue (abortable, with an
 * optional queue timeout and queue bound). A stream holds its slot until it ends, fails or is
 * abandoned. Time spent queued is added to `response.timings.queuedMs`.
 *
 * A full queue fails with `OverloadedError`: like a provider's 529 it means "too much demand
 * right now, nothing is broken", it is retryable after a backoff, and fallback treats it as a
 * reason to try another provider, which is what shedding load should lead to.
 *
 * With a `store` the slots are leases shared by every replica using it; `maxQueue` and the queue
 * order still apply per process, and a replica that dies frees its slots within `leaseMs`.
 */
export function concurrency(options: ConcurrencyOptions): Middleware {
  const { max, queueTimeoutMs, maxQueue = Number.POSITIVE_INFINITY } = options;
  checkNumberOption("concurrency", "max", max, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  checkNumberOption("concurrency", "queueTimeoutMs", queueTimeoutMs);
  checkNumberOption("concurrency", "maxQueue", maxQueue, { max: Number.POSITIVE_INFINITY, integer: true });
  const hub = options.events ?? globalEvents;
  checkNumberOption("concurrency", "leaseMs", options.leaseMs, { positive: true });
  checkNumberOption("concurrency", "pollMs", options.pollMs, { positive: true });
  const slots: Slots = options.store
    ? new LeasedSemaphore(options.store, options.key ?? "concurrency", max, {
        leaseMs: options.leaseMs ?? 10_000,
        pollMs: options.pollMs ?? 25,
      })
    : new Semaphore(max);

  return (next: Model) => {
    /** Waits for a slot; resolves with its release and how long the call waited. */
    async function admit(call: CallOptions | undefined): Promise<{ release: Release; waitedMs: number }> {
      const attempt = slots.tryAcquire();
      // The in-process semaphore answers at once; keep that path free of an extra await.
      const free = attempt instanceof Promise ? await attempt : attempt;
      if (free) return { release: free, waitedMs: 0 };
      if (slots.waiting >= maxQueue)
        throw new OverloadedError(
          `${next.id}: ${max} calls in flight and ${slots.waiting} queued (maxQueue ${maxQueue}); call shed`,
          { provider: next.provider },
        );
      hub.emit("concurrency.queued", { model: next.id, queueLength: slots.waiting + 1 }, call?.context);
      const startedAt = Date.now();
      const queueDeadline = queueTimeoutMs === undefined ? undefined : startedAt + queueTimeoutMs;
      const deadline = earliestDeadline(queueDeadline, call?.deadline);
      const wait = callSignal({ signal: call?.signal, deadline });
      try {
        const release = await slots.acquire(wait.signal);
        return { release, waitedMs: Date.now() - startedAt };
      } catch (error) {
        const queueLimitFired = queueDeadline !== undefined && queueDeadline === deadline;
        if (error instanceof TimeoutError && queueLimitFired)
          throw new TimeoutError(
            `${next.id}: timed out after ${queueTimeoutMs} ms in the concurrency queue (max ${max} in flight)`,
            { provider: next.provider },
          );
        throw error;
      } finally {
        wait.dispose();
      }
    }

    async function generate(request: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      const { release, waitedMs } = await admit(call);
      try {
        return withQueuedMs(delayedBy(await next.generate(request, call), waitedMs), waitedMs);
      } finally {
        release();
      }
    }

    function stream(request: ModelRequest, call?: CallOptions) {
      let answer: ModelResponse | undefined;
      let queuedMs = 0;
      async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
        const { release, waitedMs } = await admit({ ...call, signal });
        queuedMs = waitedMs;
        try {
          const inner = next.stream(request, { ...call, signal });
          yield* inner;
          answer = await inner.response;
        } finally {
          release();
        }
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

/** What admission needs of a semaphore, in this process or leased from a shared store. */
interface Slots {
  readonly waiting: number;
  tryAcquire(): Release | undefined | Promise<Release | undefined>;
  acquire(signal: AbortSignal): Promise<Release>;
}
