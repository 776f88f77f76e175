import type { RunComparison } from "../baseline/compare-runs.js";
import type { EvalRun } from "../runner/types.js";
import { buildReport } from "./report-model.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const f = (x: number | undefined, d = 3) => (x === undefined ? "–" : x.toFixed(d));

function bins(values: readonly number[], lo: number, hi: number, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  const width = (hi - lo) / count || 1;
  for (const v of values) out[Math.min(count - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  return out;
}

/** An inline SVG histogram; two series (run, baseline) are drawn side by side in each bin. */
function histogram(
  id: string,
  title: string,
  series: Array<{ name: string; values: readonly number[]; cls: string }>,
  lo: number,
  hi: number,
  unit: string,
): string {
  const count = 10;
  const W = 360;
  const H = 150;
  const pad = 24;
  const counted = series.map((s) => ({ ...s, bins: bins(s.values, lo, hi, count) }));
  const max = Math.max(1, ...counted.flatMap((s) => s.bins));
  const bw = (W - 2 * pad) / count;
  const sub = bw / counted.length;
  const bars = counted
    .flatMap((s, si) =>
      s.bins.map((c, i) => {
        // The top 14 px stay free for the legend.
        const h = ((H - 2 * pad - 14) * c) / max;
        const x = pad + i * bw + si * sub;
        return `<rect class="${s.cls}" data-bin="${i}" data-count="${c}" x="${x.toFixed(1)}" y="${(H - pad - h).toFixed(1)}" width="${(sub - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(s.name)}: ${c}</title></rect>`;
      }),
    )
    .join("");
  const legend = counted
    .map(
      (s, i) =>
        `<text x="${W - pad}" y="${12 + i * 12}" text-anchor="end" class="legend ${s.cls}-text">${escapeHtml(s.name)} (${s.values.length})</text>`,
    )
    .join("");
  return `<figure class="chart" data-chart="${escapeHtml(id)}"><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}"><line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" class="axis"/>${bars}${legend}<text x="${pad}" y="${H - 6}" class="tick">${f(lo, 0)}${unit}</text><text x="${W - pad}" y="${H - 6}" class="tick" text-anchor="end">${f(hi, unit ? 0 : 1)}${unit}</text></svg></figure>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6475}.verdict{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600}.verdict.passed{background:#dff5e7;color:#17663a}.verdict.failed{background:#fde2e1;color:#a1231b}
table{border-collapse:collapse;margin:6px 0}th,td{padding:4px 10px;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr[data-status=failed] td{background:#fff4f3}.neg{color:#a1231b}.pos{color:#17663a}.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:0;border:1px solid #e3e6ec;border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}rect.run{fill:#3f6fd8}rect.base{fill:#b7c2d6}.run-text{fill:#3f6fd8}.base-text{fill:#7a8599}.legend,.tick{font-size:10px}.axis{stroke:#8a93a5}
.out{max-width:520px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}`;

/**
 * A self-contained HTML report: summary and gates, score distributions per metric (against the
 * baseline when given), a latency histogram, and per-case diffs. Inline CSS and SVG only: no
 * script, no external resource, so it opens offline and from a CI artifact.
 */
export function renderHtmlReport(run: EvalRun, comparison?: RunComparison, baseline?: EvalRun): string {
  const m = buildReport(run, comparison);
  const metrics = Object.keys(m.summary);
  const byMetric = (r: EvalRun, metric: string) =>
    r.cases.map((c) => c.scores[metric]?.score).filter((x): x is number => x !== undefined);
  const cmp = new Map(comparison?.metrics.map((c) => [c.metric, c]) ?? []);
  const rows = metrics
    .map((k) => {
      const s = m.summary[k]!;
      const c = cmp.get(k);
      const status = c
        ? c.failed
          ? "failed"
          : c.regression
            ? "worse"
            : c.improvement
              ? "better"
              : "same"
        : "";
      return `<tr data-row="metric" data-metric="${escapeHtml(k)}" data-status="${c?.failed ? "failed" : "passed"}"><td>${escapeHtml(k)}</td><td class="num">${f(s.mean)}</td><td class="num">${f(s.passRate)}</td><td class="num">${s.n}</td>${
        comparison
          ? `<td class="num">${f(c?.baseline)}</td><td class="num ${c && c.delta < 0 ? "neg" : "pos"}">${c ? `${c.delta >= 0 ? "+" : ""}${f(c.delta)}` : "–"}</td><td class="num">${c ? `${f(c.ci[0])} … ${f(c.ci[1])}` : "–"}</td><td>${escapeHtml(status)}${c?.reason ? `: ${escapeHtml(c.reason)}` : ""}</td>`
          : ""
      }</tr>`;
    })
    .join("");
  const scoreCharts = metrics
    .map((k) =>
      histogram(
        `scores:${k}`,
        `${k} distribution`,
        [
          { name: "run", values: byMetric(run, k), cls: "run" },
          ...(baseline ? [{ name: "baseline", values: byMetric(baseline, k), cls: "base" }] : []),
        ],
        0,
        1,
        "",
      ),
    )
    .join("");
  const lat = run.cases
    .filter((c) => !c.cached)
    .map((c) => c.latencyMs)
    .filter((x): x is number => x !== undefined);
  const latChart = lat.length
    ? histogram(
        "latency",
        "latency (ms)",
        [{ name: "run", values: lat, cls: "run" }],
        0,
        Math.max(...lat),
        " ms",
      )
    : `<p data-chart="latency" class="meta">No latency recorded (no live model calls).</p>`;
  const outputs = new Map(run.cases.map((c) => [c.id, c.output ?? ""]));
  const baseOutputs = new Map(baseline?.cases.map((c) => [c.id, c.output ?? ""]) ?? []);
  const diffs = (comparison?.caseDiffs ?? [])
    .slice(0, 200)
    .map(
      (d) =>
        `<tr data-row="diff" data-case="${escapeHtml(d.id)}" data-metric="${escapeHtml(d.metric)}"><td>${escapeHtml(d.id)}</td><td>${escapeHtml(d.metric)}</td><td class="num">${f(d.baseline)}</td><td class="num">${f(d.current)}</td><td class="num ${d.delta < 0 ? "neg" : "pos"}">${d.delta >= 0 ? "+" : ""}${f(d.delta)}</td><td class="out">${escapeHtml(baseOutputs.get(d.id) ?? "")}</td><td class="out">${escapeHtml(outputs.get(d.id) ?? "")}</td></tr>`,
    )
    .join("");
  const failed = run.cases
    .filter((c) => c.error)
    .map(
      (c) =>
        `<tr data-row="error"><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.error!.name)}: ${escapeHtml(c.error!.message)}</td></tr>`,
    )
    .join("");
  const verdict = comparison
    ? `<span class="verdict ${comparison.passed ? "passed" : "failed"}" data-verdict="${comparison.passed ? "passed" : "failed"}">${comparison.passed ? "passed" : "failed"} against ${escapeHtml(comparison.baselineId)}</span>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Eval: ${escapeHtml(m.run.name)}</title><style>${CSS}</style></head><body>
<h1>Eval: ${escapeHtml(m.run.name)}</h1><p class="meta">Run <code>${escapeHtml(m.run.id)}</code> · ${m.cases} cases · ${m.failedCases} failed · seed ${m.run.seed} · ${escapeHtml(m.run.startedAt)} ${verdict}</p>
<h2>Metrics</h2><table data-table="metrics"><thead><tr><th>metric</th><th>mean</th><th>pass rate</th><th>n</th>${comparison ? "<th>baseline</th><th>Δ</th><th>CI</th><th>status</th>" : ""}</tr></thead><tbody>${rows}</tbody></table>
<h2>Score distributions</h2><div class="charts">${scoreCharts}</div>
<h2>Latency and cost</h2><div class="charts">${latChart}</div>
<p class="meta" data-figure="latency">P50 ${f(m.latency.p50, 0)} ms · P95 ${f(m.latency.p95, 0)} ms · P99 ${f(m.latency.p99, 0)} ms · TTFT P50 ${f(m.latency.ttft.p50, 0)} ms</p>
<p class="meta" data-figure="cost">${m.cost.inputTokens} input + ${m.cost.outputTokens} output tokens · $${m.cost.totalUsd.toFixed(4)}${m.cost.unpricedCases ? ` · ${m.cost.unpricedCases} cases without known prices` : ""}</p>
${Object.entries(m.humanAgreement)
  .map(
    ([k, a]) =>
      `<p class="meta" data-figure="kappa" data-metric="${escapeHtml(k)}">Agreement of ${escapeHtml(k)} with human labels: Cohen's kappa ${f(a.kappa)} over ${a.n} cases</p>`,
  )
  .join("")}
${comparison ? `<h2>Per-case changes against the baseline</h2>${diffs ? `<table data-table="diffs"><thead><tr><th>case</th><th>metric</th><th>baseline</th><th>run</th><th>Δ</th><th>baseline output</th><th>run output</th></tr></thead><tbody>${diffs}</tbody></table>` : `<p class="meta">No case changed.</p>`}` : ""}
${failed ? `<h2>Failed cases</h2><table data-table="errors"><tbody>${failed}</tbody></table>` : ""}
</body></html>
`;
}
