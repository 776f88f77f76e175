import type { RunComparison } from "../baseline/compare-runs.js";
import type { EvalRun } from "../runner/types.js";
import { buildReport } from "./report-model.js";

const f = (x: number | undefined, digits = 3) => (x === undefined ? "–" : x.toFixed(digits));
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A Markdown report (for CI summaries and pull requests): metrics, gates, latency, cost, largest drops. */
export function renderMarkdownReport(run: EvalRun, comparison?: RunComparison): string {
  const m = buildReport(run, comparison);
  const lines: string[] = [
    `# Eval: ${cell(m.run.name)}`,
    "",
    `Run \`${m.run.id}\`, ${m.cases} cases, ${m.failedCases} failed, seed ${m.run.seed}.`,
    "",
  ];
  if (comparison) {
    lines.push(
      `Baseline \`${comparison.baselineId}\`: **${comparison.passed ? "passed" : "FAILED"}** (${Math.round(comparison.confidence * 100)}% paired bootstrap, ${comparison.resamples} resamples).`,
      "",
    );
    lines.push("| metric | baseline | run | Δ | CI | status |", "| --- | ---: | ---: | ---: | --- | --- |");
    for (const c of comparison.metrics)
      lines.push(
        `| ${cell(c.metric)} | ${f(c.baseline)} | ${f(c.current)} | ${c.delta >= 0 ? "+" : ""}${f(c.delta)} | ${f(c.ci[0])} … ${f(c.ci[1])} | ${c.failed ? `**failed**: ${cell(c.reason ?? "")}` : c.regression ? "worse" : c.improvement ? "better" : "same"} |`,
      );
  } else {
    lines.push("| metric | mean | pass rate | n |", "| --- | ---: | ---: | ---: |");
    for (const [k, s] of Object.entries(m.summary))
      lines.push(`| ${cell(k)} | ${f(s.mean)} | ${f(s.passRate)} | ${s.n} |`);
  }
  lines.push(
    "",
    `Latency (ms, ${m.latency.n} calls): P50 ${f(m.latency.p50, 0)}, P95 ${f(m.latency.p95, 0)}, P99 ${f(m.latency.p99, 0)}; time to first token P50 ${f(m.latency.ttft.p50, 0)}, P95 ${f(m.latency.ttft.p95, 0)}.`,
    `Cost: ${m.cost.inputTokens} input + ${m.cost.outputTokens} output tokens, $${m.cost.totalUsd.toFixed(4)}${m.cost.unpricedCases ? ` (${m.cost.unpricedCases} cases without known prices)` : ""}.`,
  );
  for (const [metric, a] of Object.entries(m.humanAgreement))
    lines.push(
      `Agreement of ${cell(metric)} with human labels: Cohen's kappa ${f(a.kappa)} over ${a.n} cases.`,
    );
  if (comparison?.caseDiffs.length) {
    lines.push(
      "",
      "## Largest drops",
      "",
      "| case | metric | baseline | run | Δ |",
      "| --- | --- | ---: | ---: | ---: |",
    );
    for (const d of comparison.caseDiffs.slice(0, 20))
      lines.push(
        `| ${cell(d.id)} | ${cell(d.metric)} | ${f(d.baseline)} | ${f(d.current)} | ${f(d.delta)} |`,
      );
  }
  const failed = run.cases.filter((c) => c.error);
  if (failed.length) {
    lines.push("", "## Failed cases", "");
    for (const c of failed.slice(0, 20)) lines.push(`- \`${cell(c.id)}\`: ${cell(c.error!.message)}`);
  }
  return `${lines.join("\n")}\n`;
}
