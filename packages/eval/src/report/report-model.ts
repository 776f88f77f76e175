import type { RunComparison } from "../baseline/compare-runs.js";
import { humanAgreement } from "../judges/agreement.js";
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
  /** Cohen's kappa of each labelled metric (e.g. a judge's verdict) against the cases' human labels. */
  humanAgreement: Record<string, { kappa: number; n: number }>;
  comparison?: RunComparison;
}

function agreementOf(run: EvalRun): Record<string, { kappa: number; n: number }> {
  const out: Record<string, { kappa: number; n: number }> = {};
  if (!run.cases.some((c) => c.humanLabel !== undefined)) return out;
  const labelled = new Set<string>();
  for (const c of run.cases)
    for (const [m, s] of Object.entries(c.scores)) if (s.label !== undefined) labelled.add(m);
  for (const m of [...labelled].sort()) {
    const paired = run.cases.filter((c) => c.humanLabel !== undefined && c.scores[m]?.label !== undefined);
    if (paired.length > 0) out[m] = humanAgreement(paired, m);
  }
  return out;
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
    humanAgreement: agreementOf(run),
    ...(comparison ? { comparison } : {}),
  };
}

/** The JSON report: the report model, pretty-printed. */
export function renderJsonReport(run: EvalRun, comparison?: RunComparison): string {
  return `${JSON.stringify(buildReport(run, comparison), null, 2)}\n`;
}
