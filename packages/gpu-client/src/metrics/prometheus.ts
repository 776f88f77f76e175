/// <reference path="./parse-prometheus-text-format.d.ts" />
import { OutputParseError } from "@keel/core";
import parsePrometheusTextFormat from "parse-prometheus-text-format";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** One gauge or counter sample of a scrape. */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/** A scrape's gauges and counters by name (histograms and summaries are left out: nothing routes on them). */
export type MetricSamples = Map<string, MetricSample[]>;

/**
 * Parses Prometheus text exposition (format 0.0.4) with `parse-prometheus-text-format`. Names
 * are kept as exposed (`vllm:prefix_cache_hits_total`); look counters up with `_total`.
 * Throws `OutputParseError` for text that is not an exposition (an HTML error page, say).
 */
export function parsePrometheus(text: string, source = "metrics"): MetricSamples {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    // The library drops a last sample line that has no newline after it.
    families = parsePrometheusTextFormat(text.endsWith("\n") ? text : `${text}\n`);
  } catch (error) {
    throw new OutputParseError(`${source}: not Prometheus text format (${(error as Error).message})`, {
      cause: error,
      provider: source,
    });
  }
  const out: MetricSamples = new Map();
  let count = 0;
  for (const family of families) {
    if (family.type === "HISTOGRAM" || family.type === "SUMMARY") {
      count++;
      continue;
    }
    if (!METRIC_NAME.test(family.name)) continue;
    const samples: MetricSample[] = [];
    for (const m of family.metrics) {
      const value = Number(m.value);
      if (m.value !== undefined && !Number.isNaN(value)) samples.push({ labels: m.labels ?? {}, value });
    }
    out.set(family.name, samples);
    count += samples.length;
  }
  // The library skips lines it cannot read: text with content but no sample is not an exposition.
  if (count === 0 && /^\s*[^#\s]/m.test(text))
    throw new OutputParseError(
      `${source}: not Prometheus text format (no sample in ${text.length} characters)`,
      {
        provider: source,
        body: text.slice(0, 500),
      },
    );
  return out;
}

/** The sum of a metric's samples over every label set (vLLM V1 has one series per engine); undefined when absent. */
export function sumOf(samples: MetricSamples, ...names: string[]): number | undefined {
  for (const name of names) {
    const series = samples.get(name);
    if (series && series.length > 0) return series.reduce((s, x) => s + x.value, 0);
  }
  return undefined;
}

/** The mean of a gauge's samples (a usage fraction per engine); undefined when absent. */
export function meanOf(samples: MetricSamples, ...names: string[]): number | undefined {
  for (const name of names) {
    const series = samples.get(name);
    if (series && series.length > 0) return series.reduce((s, x) => s + x.value, 0) / series.length;
  }
  return undefined;
}

/** The labels of a metric's first sample (info metrics like `vllm:cache_config_info`). */
export function labelsOf(samples: MetricSamples, name: string): Record<string, string> | undefined {
  return samples.get(name)?.[0]?.labels;
}
