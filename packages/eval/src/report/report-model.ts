import type { RunComparison } from "../baseline/compare-runs.js";
import type { EvalRun } from "../runner/types.js";
import { type CostStats, costStats, type LatencyStats, latencyStats } from "../suites/latency-cost.js";

/** Everything a report shows, computed once for JSON, Markdown and HTML. */
export interface ReportModel {
  run: {
    id: string;
    name: string;
    startedAt: string;
    finishedAt: string;
    seed: number;
    config: Record<string, unknown>;
  };
  cases: number;
  failedCases: number;
  summary: EvalRun["summary"];
  latency: LatencyStats;
  cost: CostStats;
  comparison?: RunComparison;
}

/** Builds the report model of a run, with its comparison to a baseline when given. */
export function buildReport(run: EvalRun, comparison?: RunComparison): ReportModel {
  return {
    run: {
      id: run.id,
      name: run.name,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      seed: run.seed,
      config: run.config,
    },
    cases: run.cases.length,
    failedCases: run.cases.filter((c) => c.error).length,
    summary: run.summary,
    latency: latencyStats(run),
    cost: costStats(run),
    ...(comparison ? { comparison } : {}),
  };
}

/** The JSON report: the report model, pretty-printed. */
export function renderJsonReport(run: EvalRun, comparison?: RunComparison): string {
  return `${JSON.stringify(buildReport(run, comparison), null, 2)}\n`;
}
