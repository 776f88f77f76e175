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
   * Send a second request when the first has not finished (generate) or produced its first
   * content event (stream) after this many ms. Also used under `quantile` until enough samples
   * exist. Default 2000.
   */
  afterMs?: number;
  /**
   * When set (0 < q < 1, e.g. 0.95), wait for this quantile of recently observed latencies
   * instead of `afterMs`, once `minSamples` were seen. Generate and stream latencies are
   * tracked apart: time to the full answer and time to the first content event.
   */
  quantile?: number;
  /** How many recent latencies the quantile is taken over. Default 100. */
  window?: number;
  /** Samples needed before the quantile replaces `afterMs`. Default the smaller of 10 and `window`. */
  minSamples?: number;
  /** Extra requests at most, each one delay after the previous. Default 1. */
  maxHedges?: number;
  /** Where `hedge.sent` / `hedge.won` events go. Default: the global `events` hub. */
  events?: EventHub;
}

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
  const minSamples = options.minSamples ?? Math.min(10, window);
  checkNumberOption("hedge", "afterMs", options.afterMs);
  const q = options.quantile;
  if (q !== undefined && !(q > 0 && q < 1))
    throw new InvalidRequestError(`hedge: option \`quantile\` must be between 0 and 1 (exclusive), got ${q}`);
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
      if (options.quantile === undefined || samples.size < minSamples) return options.afterMs ?? 2000;
      return samples.quantile(options.quantile)!;
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
