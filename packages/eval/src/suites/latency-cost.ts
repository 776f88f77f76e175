import type { EvalRun } from "../runner/types.js";

/** Percentiles of a list (nearest-rank on the sorted values, as most dashboards report). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latency figures of a run. */
export interface LatencyStats {
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
  mean?: number;
  ttft: { n: number; p50?: number; p95?: number; p99?: number };
}

/**
 * The latency suite: P50 / P95 / P99 of total latency and of time to first token over the
 * run's model calls (from core's response timings; cached outputs are left out, they cost no time).
 */
export function latencyStats(run: Pick<EvalRun, "cases">): LatencyStats {
  const live = run.cases.filter((c) => !c.cached);
  const total = live.map((c) => c.latencyMs).filter((x): x is number => x !== undefined);
  const ttft = live.map((c) => c.timeToFirstTokenMs).filter((x): x is number => x !== undefined);
  return {
    n: total.length,
    p50: percentile(total, 50),
    p95: percentile(total, 95),
    p99: percentile(total, 99),
    mean: total.length ? total.reduce((s, x) => s + x, 0) / total.length : undefined,
    ttft: { n: ttft.length, p50: percentile(ttft, 50), p95: percentile(ttft, 95), p99: percentile(ttft, 99) },
  };
}

/** Token and money figures of a run. */
export interface CostStats {
  cases: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over cases whose cost was known (the model registry had prices). */
  totalUsd: number;
  /** Cases whose cost is unknown: their spend is not in `totalUsd`. */
  unpricedCases: number;
  meanUsdPerCase?: number;
  meanTokensPerCase?: number;
}

/** The cost suite: tokens and US dollars per case (one case = one workflow run) from core's usage and prices. */
export function costStats(run: Pick<EvalRun, "cases">): CostStats {
  let inputTokens = 0;
  let outputTokens = 0;
  let totalUsd = 0;
  let priced = 0;
  let unpriced = 0;
  let withUsage = 0;
  for (const c of run.cases) {
    if (c.usage) {
      withUsage++;
      inputTokens += c.usage.inputTokens;
      outputTokens += c.usage.outputTokens;
    }
    if (c.costUsd !== undefined) {
      totalUsd += c.costUsd;
      priced++;
    } else if (c.usage && !c.cached) unpriced++;
  }
  return {
    cases: run.cases.length,
    inputTokens,
    outputTokens,
    totalUsd,
    unpricedCases: unpriced,
    ...(priced ? { meanUsdPerCase: totalUsd / priced } : {}),
    ...(withUsage ? { meanTokensPerCase: (inputTokens + outputTokens) / withUsage } : {}),
  };
}
