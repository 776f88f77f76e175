import { InvalidRequestError } from "../errors.js";
import { events as defaultEvents, type EventHub } from "../events.js";
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
import { createModelStream } from "../stream/model-stream.js";
import { LatencyWindow } from "./latency-window.js";
import { checkNumberOption } from "./option-checks.js";
import { type StaggeredWin, staggeredRace } from "./staggered-race.js";

/** Options of `hedge`. */
export interface HedgeOptions {
  /**
   * Send another request when the first has not finished (generate) or produced its first
   * content event (stream) after this many ms: until `minSamples` latencies were seen, and always
   * when `quantile` is `false`. Default 2000.
   */
  afterMs?: number;
  /**
   * Hedge after this quantile (0 < q < 1) of the latencies callers recently saw, once
   * `minSamples` were seen; `false` always waits `afterMs`. Default 0.95, as "The Tail at Scale"
   * (Dean and Barroso, 2013) advises: about 5% more requests at most. Generate and stream
   * latencies are tracked apart: time to the full answer and time to the first content event.
   */
  quantile?: number | false;
  /** How many recent latencies the quantile is taken over. Default 100. */
  window?: number;
  /** Samples needed before the quantile replaces `afterMs`. Default the smaller of 20 and `window`. */
  minSamples?: number;
  /**
   * Extra requests at most, each one delay after the previous. Default 1. One hedge cuts a tail
   * that only a few percent of requests fall into; when 5% or more are slow, both copies are slow
   * together often enough (0.25% at 5%) to set the p99.9, and a second hedge (`maxHedges: 2`,
   * at most one more request per slow call) is what brings it down.
   */
  maxHedges?: number;
  /** Where `hedge.sent` / `hedge.won` events go. Default: the global `events` hub. */
  events?: EventHub;
}

/** The quantile `hedge` waits for by default. */
export const DEFAULT_HEDGE_QUANTILE = 0.95;

interface Started {
  stream: ModelStream;
  iterator: AsyncIterator<StreamEvent>;
  /** Events read before the first content event, and that event. */
  head: StreamEvent[];
  ended: boolean;
}

/**
 * Cuts tail latency by sending the same request again when the first is slow: the first to
 * finish (generate) or to produce content (stream) wins and the others are aborted, so their
 * HTTP requests close. A failure waits for the requests still running; only when all fail is the
 * last error thrown. `hedge.won` is emitted only for calls where a hedge was sent.
 */
export function hedge(options: HedgeOptions = {}): Middleware {
  const window = options.window ?? 100;
  const minSamples = options.minSamples ?? Math.min(20, window);
  const afterMs = options.afterMs ?? 2000;
  checkNumberOption("hedge", "afterMs", options.afterMs);
  const q = options.quantile === undefined ? DEFAULT_HEDGE_QUANTILE : options.quantile;
  if (q !== false && !(typeof q === "number" && q > 0 && q < 1))
    throw new InvalidRequestError(
      `hedge: option \`quantile\` must be between 0 and 1 (exclusive) or false, got ${String(q)}`,
    );
  checkNumberOption("hedge", "window", window, { integer: true, min: 1 });
  checkNumberOption("hedge", "minSamples", minSamples, { integer: true, min: 1 });
  if (minSamples > window)
    throw new InvalidRequestError(
      `hedge: option \`minSamples\` (${minSamples}) exceeds \`window\` (${window})`,
    );
  checkNumberOption("hedge", "maxHedges", options.maxHedges, { integer: true, min: 1 });
  const hub = options.events ?? defaultEvents;

  return (next) => {
    const latencies = { generate: new LatencyWindow(window), stream: new LatencyWindow(window) };
    const delayFor = (samples: LatencyWindow): number => {
      if (q === false || samples.size < minSamples) return afterMs;
      return samples.quantile(q)!;
    };
    const race = <T>(
      attempt: (signal: AbortSignal) => Promise<T>,
      samples: LatencyWindow,
      callOptions: CallOptions | undefined,
      signal: AbortSignal | undefined,
      discard?: (value: T) => void,
    ): Promise<StaggeredWin<T>> => {
      const delayMs = delayFor(samples);
      const context = callOptions?.context;
      return staggeredRace(attempt, {
        delayMs,
        maxExtra: options.maxHedges ?? 1,
        signal,
        onExtra: () => hub.emit("hedge.sent", { model: next.id, afterMs: delayMs }, context),
        ...(discard ? { discard } : {}),
      }).then((win) => {
        // The latency the caller saw, not the winner's own: a straggler rescued by a hedge is a
        // slow call, and recording it as fast would pull the quantile down and hedge ever more.
        samples.add(win.latencyMs);
        return win;
      });
    };
    const announce = (win: StaggeredWin<unknown>, hedged: boolean, callOptions: CallOptions | undefined) => {
      if (hedged) hub.emit("hedge.won", { model: next.id, hedged: win.index > 0 }, callOptions?.context);
    };

    return wrapModel(next, {
      async generate(request, callOptions) {
        let sent = 0;
        const win = await race(
          (signal) => {
            sent++;
            return next.generate(request, { ...callOptions, signal });
          },
          latencies.generate,
          callOptions,
          callOptions?.signal,
        );
        announce(win, sent > 1, callOptions);
        return win.value;
      },
      stream(request, callOptions) {
        let served: ModelResponse | undefined;
        async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
          let sent = 0;
          const win = await race(
            (attemptSignal) => {
              sent++;
              return startStream(next, request, { ...callOptions, signal: attemptSignal });
            },
            latencies.stream,
            callOptions,
            signal,
            (late) => closeQuietly(late.iterator),
          );
          announce(win, sent > 1, callOptions);
          const { stream, iterator, head, ended } = win.value;
          let done = ended;
          try {
            yield* head;
            while (!done) {
              const result = await iterator.next();
              if (result.done) break;
              if (result.value.type === "error") throw result.value.error;
              yield result.value;
            }
            done = true;
            served = await stream.response;
          } finally {
            if (!done) await iterator.return?.();
          }
        }
        return createModelStream(produce, {
          provider: next.provider,
          model: next.id,
          options: callOptions,
          finalize: (received) => served ?? received,
        });
      },
    });
  };
}

/** Starts a stream and reads it up to its first content event (or its end). */
async function startStream(model: Model, request: ModelRequest, options: CallOptions): Promise<Started> {
  const stream = model.stream(request, options);
  const iterator = stream[Symbol.asyncIterator]();
  const head: StreamEvent[] = [];
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.done) return { stream, iterator, head, ended: true };
      if (result.value.type === "error") throw result.value.error;
      head.push(result.value);
      if (isContentEvent(result.value)) return { stream, iterator, head, ended: false };
    }
  } catch (error) {
    // Let the stream finish its cleanup (it is parked on the error event it just sent).
    closeQuietly(iterator);
    throw error;
  }
}

/** Ends a stream nobody will read further; its own cleanup aborts its request. */
function closeQuietly(iterator: AsyncIterator<StreamEvent>): void {
  iterator.return?.().catch(() => {});
}
