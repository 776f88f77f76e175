import { abortReason, earliestDeadline, linkCallOptions } from "../abort.js";
import { AbortedError, InvalidRequestError, type KeelError, TimeoutError } from "../errors.js";
import { type EventHub, events as globalEvents, type KeelEventMap } from "../events.js";
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

    /**
     * Forwards the inner stream's events as they are, with one timer for the whole stream, and
     * reports the inner stream's own response: no aggregation and no extra async step per event.
     */
    function stream(request: ModelRequest, call?: CallOptions): ModelStream {
      return forwardingStream((settle) => {
        let limits: ReturnType<typeof watch> | undefined;
        let deadline: Limit | undefined;
        let inner: ModelStream | undefined;
        let source: AsyncIterator<StreamEvent> | undefined;
        let startedAt = 0;
        let lastEventAt = 0;
        let sawContent = false;
        let state: "open" | "failing" | "closed" = "open";
        let failure: KeelError | undefined;
        // A read in flight fails as soon as the limits' signal fires, even if the inner stream
        // ignores it. One listener for the whole stream: a listener or race per event costs GC time.
        let settleRead:
          | ((step: IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>>) => void)
          | undefined;

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
        /** Hands `step` to the read in flight, if one still is. */
        const answerRead = (step: IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>>) => {
          const resolve = settleRead;
          settleRead = undefined;
          resolve?.(step);
        };
        const onAbort = () => {
          if (settleRead) answerRead(fail(abortReason((limits as ReturnType<typeof watch>).signal)));
        };
        const finish = () => {
          limits?.dispose();
          limits?.signal.removeEventListener("abort", onAbort);
        };
        /** The stream failed: settle, cancel what is left of the inner one, and hand out the `error` event. */
        const fail = (thrown: unknown): IteratorResult<StreamEvent> => {
          if (state !== "open") return streamDone();
          const explained = limits ? limits.explain(thrown, deadline) : thrown;
          const error = call?.signal?.aborted
            ? abortReason(call.signal)
            : toKeelError(explained, next.provider);
          state = "failing";
          failure = error;
          finish();
          if (limits && !limits.signal.aborted)
            limits.cancel.abort(new AbortedError("the stream was closed before it ended"));
          source?.return?.().catch(() => {});
          settle.reject(error);
          return { value: { type: "error", error }, done: false };
        };
        const onStep = (
          step: IteratorResult<StreamEvent>,
        ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
          if (state !== "open") return streamDone();
          if (step.done) {
            return (inner as ModelStream).response.then((answer) => {
              if (state !== "open") return streamDone();
              state = "closed";
              finish();
              settle.resolve(answer);
              return step;
            }, fail);
          }
          const event = step.value;
          if (event.type === "error") return fail(event.error);
          if (idleMs !== undefined) lastEventAt = Date.now();
          if (!sawContent && isContentEvent(event)) sawContent = true;
          return step;
        };
        const onRead = (step: IteratorResult<StreamEvent>) => {
          if (settleRead) answerRead(onStep(step));
        };
        const onReadFailed = (thrown: unknown) => {
          if (settleRead) answerRead(fail(thrown));
        };
        const read = (): Promise<IteratorResult<StreamEvent>> => {
          const signal = (limits as ReturnType<typeof watch>).signal;
          if (signal.aborted) return Promise.resolve(fail(abortReason(signal)));
          const pending = (source as AsyncIterator<StreamEvent>).next();
          return new Promise<IteratorResult<StreamEvent>>((resolve) => {
            settleRead = resolve;
            pending.then(onRead, onReadFailed);
          });
        };

        return {
          next() {
            if (state === "failing") {
              state = "closed";
              return Promise.reject(failure);
            }
            if (state === "closed") return Promise.resolve(streamDone());
            if (!source) {
              try {
                startedAt = Date.now();
                lastEventAt = startedAt;
                deadline = deadlineOf(startedAt, call);
                limits = watch(call, call?.signal);
                limits.signal.addEventListener("abort", onAbort, { once: true });
                inner = next.stream(request, { ...call, signal: limits.signal, deadline: deadline?.at });
                source = inner[Symbol.asyncIterator]();
                limits.arm(nearest(), nearest);
              } catch (thrown) {
                return Promise.resolve(fail(thrown));
              }
            }
            return read();
          },
          async return() {
            const wasOpen = state === "open";
            state = "closed";
            if (wasOpen) {
              const reason = new AbortedError("the stream was closed before it ended");
              finish();
              if (limits && !limits.signal.aborted) limits.cancel.abort(reason);
              settle.reject(reason);
              // A read still in flight ends through the abort; awaiting it could hang on a stuck model.
              source?.return?.().catch(() => {});
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
