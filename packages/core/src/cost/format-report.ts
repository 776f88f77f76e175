import type { CostReport, CostTotals } from "./cost-tracker.js";

const usd = (n: number) => (n === 0 ? "$0" : n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(4)}`);

function cells(key: string, t: CostTotals): string[] {
  return [
    key,
    String(t.calls),
    String(t.cachedCalls),
    String(t.inputTokens),
    String(t.cachedInputTokens),
    String(t.outputTokens),
    String(t.reasoningTokens),
    usd(t.costUsd) + (t.unpricedCalls ? ` (+${t.unpricedCalls} unpriced)` : ""),
  ];
}

/** Renders a cost report as a plain-text table for logs and terminals. */
export function formatCostReport(report: CostReport): string {
  const head = [report.groupBy, "calls", "cached", "input", "cached-in", "output", "reasoning", "cost"];
  const body = [...report.rows.map((r) => cells(r.key, r)), cells("TOTAL", report.total)];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
