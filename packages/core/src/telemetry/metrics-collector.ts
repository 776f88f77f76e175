import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { WindowedCounter } from "./windowed-counter.js";
import { type HistogramSummary, WindowedHistogram, type WindowOptions } from "./windowed-histogram.js";

/** Distributions the collector keeps: latencies in ms, tokens per call, cost per call in USD. */
export type HistogramName = "latencyMs" | "ttftMs" | "queuedMs" | "inputTokens" | "outputTokens" | "costUsd";

/** Counts (and the cost total) the collector keeps. */
export type CounterName =
  | "calls"
  | "errors"
  | "fallbacks"
  | "retries"
  | "cacheHits"
  | "costUsd"
  | "retrievals"
  | "retrievalFailures";

/** One dimension to read a series by; no labels means every call. */
export type MetricLabels =
  | { model: string }
  | { provider: string }
  | { tenant: string }
  | Record<string, never>;

export interface MetricsCollectorOptions extends WindowOptions {
  /** The hub to subscribe to. Default: the global `events` hub. */
  events?: EventHub;
}

/** A series' figures over the window, as `snapshot()` reports them. */
export interface SeriesSnapshot {
  labels: MetricLabels;
  calls: number;
  errors: number;
  errorRate: number | undefined;
  fallbacks: number;
  retries: number;
  cacheHits: number;
  costUsd: number;
  latencyMs: { p50?: number; p95?: number; p99?: number };
  ttftMs: { p50?: number; p95?: number; p99?: number };
  inputTokens: number;
  outputTokens: number;
}

const keyOf = (labels: MetricLabels) => {
  const [entry] = Object.entries(labels);
  return entry ? `${entry[0]}=${entry[1]}` : "";
};

class Series {
  readonly histograms = new Map<HistogramName, WindowedHistogram>();
  readonly counters = new Map<CounterName, WindowedCounter>();
  constructor(
    readonly labels: MetricLabels,
    readonly window: WindowOptions,
  ) {}
  record(name: HistogramName, value: number) {
    let h = this.histograms.get(name);
    if (!h) {
      h = new WindowedHistogram(this.window);
      this.histograms.set(name, h);
    }
    h.record(value);
  }
  add(name: CounterName, amount = 1) {
    let c = this.counters.get(name);
    if (!c) {
      c = new WindowedCounter(this.window);
      this.counters.set(name, c);
    }
    c.add(amount);
  }
}

const EMPTY: HistogramSummary = new WindowedHistogram({ windowMs: 1 }).summary();

/**
 * In-process metrics fed from a hub: latency, TTFT, queue time, tokens and cost per call, and
 * counts of calls, errors, fallbacks, retries, cache hits and retrievals, each kept for all
 * calls and per model, provider and tenant, over a sliding window.
 */
export class MetricsCollector {
  readonly #series = new Map<string, Series>();
  readonly #window: WindowOptions;
  readonly #unsubscribe: () => void;

  constructor(options: MetricsCollectorOptions) {
    const { events, ...window } = options;
    this.#window = window;
    new WindowedHistogram(window); // validates the window options up front
    this.#unsubscribe = (events ?? globalEvents).on((event) => this.observe(event));
  }

  /** Stops listening; figures recorded so far stay readable. */
  stop(): void {
    this.#unsubscribe();
  }

  /** The distribution of `name` for a label (default: all calls) over a span. */
  histogram(
    name: HistogramName,
    labels: MetricLabels = {},
    spanMs?: number,
    offsetMs?: number,
  ): HistogramSummary {
    return this.#series.get(keyOf(labels))?.histograms.get(name)?.summary(spanMs, offsetMs) ?? EMPTY;
  }

  /** The count (or total) of `name` for a label over a span. */
  count(name: CounterName, labels: MetricLabels = {}, spanMs?: number, offsetMs?: number): number {
    return this.#series.get(keyOf(labels))?.counters.get(name)?.total(spanMs, offsetMs) ?? 0;
  }

  /** Every series' figures over the current window, keyed `""` (all), `model=…`, `provider=…`, `tenant=…`. */
  snapshot(): Record<string, SeriesSnapshot> {
    const out: Record<string, SeriesSnapshot> = {};
    for (const [key, series] of this.#series) {
      const l = series.labels;
      const q = (name: HistogramName) => {
        const s = this.histogram(name, l);
        return { ...(s.p50 !== undefined ? { p50: s.p50, p95: s.p95, p99: s.p99 } : {}) };
      };
      const calls = this.count("calls", l);
      const errors = this.count("errors", l);
      out[key] = {
        labels: l,
        calls,
        errors,
        errorRate: calls > 0 ? errors / calls : undefined,
        fallbacks: this.count("fallbacks", l),
        retries: this.count("retries", l),
        cacheHits: this.count("cacheHits", l),
        costUsd: this.count("costUsd", l),
        latencyMs: q("latencyMs"),
        ttftMs: q("ttftMs"),
        inputTokens: this.histogram("inputTokens", l).sum,
        outputTokens: this.histogram("outputTokens", l).sum,
      };
    }
    return out;
  }

  /** The series an event counts towards: all, and each label it carries. */
  #seriesFor(labels: {
    model?: string | undefined;
    provider?: string | undefined;
    tenant?: string | undefined;
  }) {
    const all: MetricLabels[] = [{}];
    if (labels.model !== undefined) all.push({ model: labels.model });
    if (labels.provider !== undefined) all.push({ provider: labels.provider });
    if (labels.tenant !== undefined) all.push({ tenant: labels.tenant });
    return all.map((l) => {
      const key = keyOf(l);
      let s = this.#series.get(key);
      if (!s) {
        s = new Series(l, this.#window);
        this.#series.set(key, s);
      }
      return s;
    });
  }

  /** Folds one event into the series it belongs to. */
  observe(event: KeelEvent): void {
    const tenant = event.context?.tenant;
    switch (event.type) {
      case "model.call.finished":
        for (const s of this.#seriesFor({ model: event.model, provider: event.provider, tenant })) {
          s.add("calls");
          s.record("latencyMs", event.durationMs);
          if (event.timeToFirstTokenMs !== undefined) s.record("ttftMs", event.timeToFirstTokenMs);
          if (event.queuedMs !== undefined) s.record("queuedMs", event.queuedMs);
          s.record("inputTokens", event.usage.inputTokens);
          s.record("outputTokens", event.usage.outputTokens);
        }
        break;
      case "model.call.failed":
        for (const s of this.#seriesFor({ model: event.model, provider: event.provider, tenant })) {
          s.add("calls");
          s.add("errors");
        }
        break;
      case "fallback.taken":
        for (const s of this.#seriesFor({ model: event.from, tenant })) s.add("fallbacks");
        break;
      case "retry.scheduled":
        for (const s of this.#seriesFor({ model: event.model, tenant })) s.add("retries");
        break;
      case "cache.hit":
        for (const s of this.#seriesFor({ model: event.model, tenant })) s.add("cacheHits");
        break;
      case "cost.recorded":
        if (event.costUsd === undefined) break;
        for (const s of this.#seriesFor({
          model: event.model,
          provider: event.provider,
          tenant: event.tenant ?? tenant,
        })) {
          s.add("costUsd", event.costUsd);
          s.record("costUsd", event.costUsd);
        }
        break;
      case "retrieval.finished":
        for (const s of this.#seriesFor({ tenant })) {
          s.add("retrievals");
          if (event.error || event.ids.length === 0) s.add("retrievalFailures");
        }
        break;
    }
  }
}

/** Starts collecting metrics from a hub; call `stop()` to unsubscribe. */
export function metricsCollector(options: MetricsCollectorOptions): MetricsCollector {
  return new MetricsCollector(options);
}
