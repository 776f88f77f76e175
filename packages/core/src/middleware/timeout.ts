import { abortReason, earliestDeadline, linkCallOptions } from "../abort.js";
import { AbortedError, InvalidRequestError, TimeoutError } from "../errors.js";
import { type EventHub, events as globalEvents, type KeelEventMap } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse, StreamEvent } from "../model.js";
import { createModelStream } from "../model-stream.js";
import { wrapModel } from "../pipe.js";
import { isContentEvent } from "./content-event.js";
import { checkNumberOption, MAX_TIMER_MS } from "./option-checks.js";
import { forwardedResponse } from "./queue-timings.js";
import { raceAbort } from "./race-abort.js";

export interface TimeoutOptions {
  /** Time limit for each call, from its start. Combined with the caller's `deadline`: the earlier wins. */
  ms?: number;
  /** Streams: fail when no content event (text, reasoning, tool call) has arrived this long after the start. */
  firstTokenMs?: number;
  /** Streams: fail when no event at all has arrived for this long (a stalled stream). */
  idleMs?: number;
  /** Where `timeout.fired` goes. Default: the global `events` hub. */
  events?: EventHub;
}

/** Which limit fired, as reported on `timeout.fired`. */
export type TimeoutLimit = NonNullable<KeelEventMap["timeout.fired"]["limit"]>;

interface Limit {
  at: number;
  limit: TimeoutLimit;
  afterMs: number;
}

/**
 * Fails calls that run too long with a `TimeoutError` and aborts the underlying request: a total
 * limit per call (also passed down as the call's deadline, so inner middleware can plan around
 * it) and, for streams, a first-token limit and a stall (idle) limit.
 */
export function timeout(options: TimeoutOptions): Middleware {
  const { ms, firstTokenMs, idleMs } = options;
  const hub = options.events ?? globalEvents;
  checkNumberOption("timeout", "ms", ms);
  checkNumberOption("timeout", "firstTokenMs", firstTokenMs);
  checkNumberOption("timeout", "idleMs", idleMs);
  if (ms === undefined && firstTokenMs === undefined && idleMs === undefined)
    throw new InvalidRequestError("timeout: give at least one of `ms`, `firstTokenMs`, `idleMs`");

  return (next: Model) => {
    /** The deadline this middleware enforces: its own total limit or the caller's, the earlier. */
    function deadlineOf(startedAt: number, call: CallOptions | undefined): Limit | undefined {
      const own = ms === undefined ? undefined : startedAt + ms;
      const at = earliestDeadline(own, call?.deadline);
      if (at === undefined) return undefined;
      return { at, limit: at === own ? "total" : "deadline", afterMs: at - startedAt };
    }

    function errorFor(fired: Limit, cause?: unknown): TimeoutError {
      const init = { provider: next.provider, cause };
      switch (fired.limit) {
        case "total":
          return new TimeoutError(`${next.id} did not finish within ${ms} ms`, init);
        case "deadline":
          return new TimeoutError(`deadline passed (${new Date(fired.at).toISOString()})`, init);
        case "first-token":
          return new TimeoutError(`${next.id} sent no content within ${firstTokenMs} ms`, init);
        case "idle":
          return new TimeoutError(`${next.id} stream stalled: no event for ${idleMs} ms`, init);
      }
    }

    /**
     * One call's time limits: one timer, armed for the nearest limit, that reports the limit and
     * aborts the call's signal with a TimeoutError. Reports at most once per call.
     */
    function watch(call: CallOptions | undefined, parent: AbortSignal | undefined) {
      const cancel = new AbortController();
      // A listener on the parent rather than AbortSignal.any, whose weak bookkeeping costs GC time per call.
      const unlink = parent ? linkCallOptions(cancel, { signal: parent }) : undefined;
      const signal = cancel.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let tripped: TimeoutError | undefined;
      const trip = (limit: Limit, cause?: unknown): TimeoutError => {
        if (tripped) return tripped;
        const { afterMs } = limit;
        hub.emit("timeout.fired", { model: next.id, afterMs, limit: limit.limit }, call?.context);
        tripped = errorFor(limit, cause);
        cancel.abort(tripped);
        return tripped;
      };
      /**
       * Arms the timer for `limit`. With `current`, the timer asks again when it fires: limits
       * that moved later since (an idle limit after new events, a first-token limit after
       * content) wait again instead of firing, so a stream never re-arms a timer per event.
       */
      const arm = (limit: Limit | undefined, current?: () => Limit | undefined): void => {
        clearTimeout(timer);
        if (!limit) return;
        // A timer cannot hold more than MAX_TIMER_MS (longer ones fire at once): wait in steps.
        const wait = limit.at - Date.now();
        timer = setTimeout(
          () => {
            const now = current ? current() : limit;
            if (now && now.at > Date.now()) arm(now, current);
            else if (now) trip(now);
          },
          Math.max(0, Math.min(wait, MAX_TIMER_MS)),
        );
      };
      return {
        signal,
        cancel,
        trip,
        arm,
        /**
         * The error to fail with. A model further in may hit the deadline this middleware passed
         * down just before this timer does; that is still this middleware's limit, so report it.
         */
        explain(error: unknown, deadline: Limit | undefined): unknown {
          if (!tripped && deadline && error instanceof TimeoutError && Date.now() >= deadline.at)
            return trip(deadline, error);
          return error;
        },
        dispose: () => {
          clearTimeout(timer);
          unlink?.();
        },
      };
    }

    async function generate(request: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      const deadline = deadlineOf(Date.now(), call);
      if (!deadline) return next.generate(request, call);
      const limits = watch(call, call?.signal);
      limits.arm(deadline);
      try {
        const inner = next.generate(request, { ...call, signal: limits.signal, deadline: deadline.at });
        return await raceAbort(inner, limits.signal);
      } catch (error) {
        throw limits.explain(error, deadline);
      } finally {
        limits.dispose();
      }
    }

    function stream(request: ModelRequest, call?: CallOptions) {
      let answer: ModelResponse | undefined;
      async function* produce(outerSignal: AbortSignal): AsyncGenerator<StreamEvent> {
        const startedAt = Date.now();
        const deadline = deadlineOf(startedAt, call);
        const limits = watch(call, outerSignal);
        let lastEventAt = startedAt;
        let sawContent = false;
        /** The nearest limit now. It only moves later as events arrive, which lets one timer serve the whole stream. */
        const nearest = (): Limit | undefined => {
          let limit = deadline;
          const consider = (candidate: Limit) => {
            if (!limit || candidate.at < limit.at) limit = candidate;
          };
          if (firstTokenMs !== undefined && !sawContent)
            consider({ at: startedAt + firstTokenMs, limit: "first-token", afterMs: firstTokenMs });
          if (idleMs !== undefined) consider({ at: lastEventAt + idleMs, limit: "idle", afterMs: idleMs });
          return limit;
        };

        const inner = next.stream(request, { ...call, signal: limits.signal, deadline: deadline?.at });
        const iterator = inner[Symbol.asyncIterator]();
        // A read in flight fails as soon as the limits' signal fires, even if the inner stream
        // ignores it. One listener for the whole stream: a listener or race per event costs GC time.
        let failRead: ((error: unknown) => void) | undefined;
        const onAbort = () => failRead?.(abortReason(limits.signal));
        limits.signal.addEventListener("abort", onAbort, { once: true });
        const read = (): Promise<IteratorResult<StreamEvent>> => {
          if (limits.signal.aborted) return Promise.reject(abortReason(limits.signal));
          return new Promise((resolve, reject) => {
            failRead = reject;
            iterator.next().then(resolve, reject);
          });
        };
        let reading = false;
        let finished = false;
        try {
          limits.arm(nearest(), nearest);
          for (;;) {
            reading = true;
            const step = await read();
            failRead = undefined;
            reading = false;
            if (step.done) break;
            if (step.value.type === "error") throw step.value.error;
            lastEventAt = Date.now();
            if (isContentEvent(step.value)) sawContent = true;
            yield step.value;
          }
          finished = true;
          answer = await inner.response;
        } catch (error) {
          throw limits.explain(error, deadline);
        } finally {
          limits.dispose();
          limits.signal.removeEventListener("abort", onAbort);
          if (!finished) {
            if (!limits.signal.aborted)
              limits.cancel.abort(new AbortedError("the stream was closed before it ended"));
            // A read still in flight ends through the abort; awaiting it could hang on a stuck model.
            const closing = iterator.return?.();
            if (reading) closing?.catch(() => {});
            else await closing?.catch(() => {});
          }
        }
      }
      return createModelStream(produce, {
        provider: next.provider,
        model: next.id,
        // This middleware enforces the caller's deadline itself, so it can report it.
        options: { ...call, deadline: undefined },
        finalize: (outer) => forwardedResponse(outer, answer),
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
