import { InvalidRequestError } from "../errors.js";
import { QuantileSketch } from "./quantile-sketch.js";
import { WindowRing } from "./window-ring.js";

export interface WindowOptions {
  /** The window reads cover by default, e.g. 60 000 for "the last minute". */
  windowMs: number;
  /** Sub-windows per window; the window slides by one sub-window. Default 6. */
  subWindows?: number;
  /** History kept for baseline reads, in ms; at least `windowMs`. Default `windowMs`. */
  retainMs?: number;
  /** The clock. Default `Date.now`; inject one in tests. */
  now?: () => number;
}

/** Count, sum and quantiles of the values recorded in a span. Quantiles are undefined when empty. */
export interface HistogramSummary {
  count: number;
  sum: number;
  min: number | undefined;
  max: number | undefined;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  /** Any quantile in [0, 1]. */
  quantile(q: number): number | undefined;
}

/** The ring geometry for a window: sub-window width and the slots that cover the retention. */
export function ringGeometry(options: WindowOptions): { subWindowMs: number; slots: number } {
  const { windowMs } = options;
  const subWindows = options.subWindows ?? 6;
  if (!(windowMs > 0)) throw new InvalidRequestError(`window: windowMs must be positive, got ${windowMs}`);
  if (!Number.isInteger(subWindows) || subWindows < 1)
    throw new InvalidRequestError(`window: subWindows must be a positive integer, got ${subWindows}`);
  const retainMs = Math.max(windowMs, options.retainMs ?? windowMs);
  const subWindowMs = windowMs / subWindows;
  return { subWindowMs, slots: Math.ceil(retainMs / subWindowMs) };
}

/** Relative accuracy of every sketch: a quantile is within 1% of a value really recorded. */
export const SKETCH_ACCURACY = 0.01;

/**
 * A sliding-window histogram: a ring of DDSketch quantile sketches (1% relative accuracy), one
 * per sub-window, merged on read. Memory is fixed whatever the traffic.
 */
export class WindowedHistogram {
  readonly windowMs: number;
  readonly #ring: WindowRing<QuantileSketch>;

  constructor(options: WindowOptions) {
    this.windowMs = options.windowMs;
    this.#ring = new WindowRing({
      ...ringGeometry(options),
      ...(options.now ? { now: options.now } : {}),
      create: () => new QuantileSketch(SKETCH_ACCURACY),
    });
  }

  /** Adds a value (a latency, a token count, a cost) to the current sub-window. */
  record(value: number): void {
    if (!Number.isFinite(value)) throw new InvalidRequestError(`histogram: cannot record ${value}`);
    this.#ring.current().accept(value);
  }

  /**
   * The merged sketch of the span of `spanMs` (default: the window) ending `offsetMs` ago. Send
   * its `toJSON()` to wherever the fleet's figures are computed, merge there, and read them with
   * `summarizeSketch`.
   */
  sketch(spanMs = this.windowMs, offsetMs = 0): QuantileSketch {
    const merged = new QuantileSketch(SKETCH_ACCURACY);
    for (const sketch of this.#ring.collect(spanMs, offsetMs)) if (sketch.count > 0) merged.merge(sketch);
    return merged;
  }

  /** The values of the span of `spanMs` (default: the window) ending `offsetMs` ago. */
  summary(spanMs = this.windowMs, offsetMs = 0): HistogramSummary {
    return summarizeSketch(this.sketch(spanMs, offsetMs));
  }
}

/** Count, sum and quantiles of a sketch, e.g. one merged from many replicas' histograms. */
export function summarizeSketch(merged: QuantileSketch): HistogramSummary {
  const empty = merged.count === 0;
  const quantile = (q: number) => {
    if (!(q >= 0 && q <= 1)) throw new InvalidRequestError(`histogram: quantile must be in [0, 1], got ${q}`);
    return merged.quantile(q);
  };
  return {
    count: merged.count,
    sum: merged.sum,
    min: empty ? undefined : merged.min,
    max: empty ? undefined : merged.max,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
    quantile,
  };
}
