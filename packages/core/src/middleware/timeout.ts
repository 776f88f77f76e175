import { abortReason, earliestDeadline, linkCallOptions, markCallScoped } from "../abort.js";
import { AbortedError, InvalidRequestError, TimeoutError } from "../errors.js";
import { type EventHub, events as globalEvents, type KeelEventMap } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse, ModelStream } from "../model.js";
import { wrapModel } from "../pipe.js";
import { isContentEvent } from "../stream/content-event.js";
import { streamLayer } from "../stream/stream-layer.js";
import { toKeelError } from "../to-keel-error.js";
import { checkNumberOption, MAX_TIMER_MS } from "./option-checks.js";
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
    function watch(call: CallOptions | undefined, deadline: Limit | undefined) {
      const parent = call?.signal;
      const cancel = new AbortController();
      // A listener on the parent rather than AbortSignal.any, whose weak bookkeeping costs GC time per call.
      const unlink = parent ? linkCallOptions(cancel, { signal: parent }) : undefined;
      const signal = cancel.signal;
      // It fires by the deadline: models further in can use it as is, without a timer of their own.
      markCallScoped(signal, deadline?.at);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let tripped: TimeoutError | undefined;
      let onTrip: ((error: TimeoutError) => void) | undefined;
      const trip = (limit: Limit, cause?: unknown): TimeoutError => {
        if (tripped) return tripped;
        const { afterMs } = limit;
        hub.emit("timeout.fired", { model: next.id, afterMs, limit: limit.limit }, call?.context);
        tripped = errorFor(limit, cause);
        cancel.abort(tripped);
        onTrip?.(tripped);
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
         * Settles like `promise`, or fails with the limit's TimeoutError as soon as it trips, even
         * if the model is slow to honour the signal. With a caller's signal, whose abort also ends
         * the call, it races the signal; without one only `trip` can end it, so it hooks `trip`
         * instead of adding and removing a signal listener on every call.
         */
        race<T>(promise: Promise<T>): Promise<T> {
          if (parent) return raceAbort(promise, signal);
          return new Promise<T>((resolve, reject) => {
            onTrip = reject;
            promise.then(resolve, reject);
          });
        },
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
      const limits = watch(call, deadline);
      limits.arm(deadline);
      try {
        const inner = next.generate(request, { ...call, signal: limits.signal, deadline: deadline.at });
        return await limits.race(inner);
      } catch (error) {
        throw limits.explain(error, deadline);
      } finally {
        limits.dispose();
      }
    }

    /**
     * Forwards the inner stream's events as they are, with one timer for the whole stream, and
     * reports the inner stream's own response: no aggregation and no extra async step per event.
     */
    function stream(request: ModelRequest, call?: CallOptions): ModelStream {
      let limits: ReturnType<typeof watch> | undefined;
      let deadline: Limit | undefined;
      let inner: ModelStream;
      let startedAt = 0;
      let lastEventAt = 0;
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
      return streamLayer({
        open() {
          startedAt = Date.now();
          lastEventAt = startedAt;
          deadline = deadlineOf(startedAt, call);
          limits = watch(call, deadline);
          inner = next.stream(request, { ...call, signal: limits.signal, deadline: deadline?.at });
          const source = inner[Symbol.asyncIterator]();
          limits.arm(nearest(), nearest);
          return source;
        },
        // Keel's own streams end a read in flight when the limits' signal fires; any other
        // stream's reads are raced against it.
        get signal() {
          return limits?.signal;
        },
        event(event) {
          if (idleMs !== undefined) lastEventAt = Date.now();
          if (!sawContent && isContentEvent(event)) sawContent = true;
        },
        end: () => inner.response,
        toError(thrown) {
          const explained = limits ? limits.explain(thrown, deadline) : thrown;
          return call?.signal?.aborted ? abortReason(call.signal) : toKeelError(explained, next.provider);
        },
        cleanup(how, reason) {
          limits?.dispose();
          // Cancel what is left of the inner stream.
          if (how !== "end" && limits && !limits.signal.aborted)
            limits.cancel.abort(reason ?? new AbortedError("the stream was closed before it ended"));
        },
        // A read still in flight ends through the abort; waiting for it could hang on a stuck model.
        awaitSourceOnClose: false,
      });
    }

    return wrapModel(next, { generate, stream });
  };
}
