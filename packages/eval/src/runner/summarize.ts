import type { CaseResult, MetricSummary } from "./types.js";

/** Mean score and pass rate per metric over the cases that have that score. */
export function summarizeScores(cases: readonly CaseResult[]): Record<string, MetricSummary> {
  const acc = new Map<string, { sum: number; n: number; passed: number; judged: number }>();
  for (const c of cases)
    for (const [metric, s] of Object.entries(c.scores)) {
      let a = acc.get(metric);
      if (!a) {
        a = { sum: 0, n: 0, passed: 0, judged: 0 };
        acc.set(metric, a);
      }
      a.sum += s.score;
      a.n++;
      if (s.passed !== undefined) {
        a.judged++;
        if (s.passed) a.passed++;
      }
    }
  const out: Record<string, MetricSummary> = {};
  for (const [metric, a] of [...acc].sort(([x], [y]) => x.localeCompare(y)))
    out[metric] = { mean: a.sum / a.n, n: a.n, ...(a.judged ? { passRate: a.passed / a.judged } : {}) };
  return out;
}
