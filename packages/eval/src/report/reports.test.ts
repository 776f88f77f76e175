import { describe, expect, it } from "vitest";
import { twoRuns } from "./__fixtures__/two-runs.js";
import { escapeHtml, renderHtmlReport } from "./html-report.js";
import { renderMarkdownReport } from "./markdown-report.js";
import { renderJsonReport } from "./report-model.js";

describe("reports", async () => {
  const { run, baseline, comparison } = await twoRuns();

  it("the comparison flags the regression", () => {
    expect(comparison.passed).toBe(false);
    expect(comparison.metrics.find((m) => m.metric === "squad_em")).toMatchObject({ failed: true, n: 30 });
    expect(comparison.caseDiffs.filter((d) => d.metric === "squad_em")).toHaveLength(10);
  });

  it("JSON holds summary, latency, cost and the comparison", () => {
    const j = JSON.parse(renderJsonReport(run, comparison));
    expect(j.cases).toBe(30);
    expect(j.summary.squad_em.mean).toBeCloseTo(20 / 30);
    expect(j.latency.n).toBe(30);
    expect(j.comparison.passed).toBe(false);
  });

  it("Markdown shows the gate result and the largest drops", () => {
    const md = renderMarkdownReport(run, comparison);
    expect(md).toMatch(/\*\*FAILED\*\*/);
    expect(md).toMatch(/\| squad_em \| 1\.000 \| 0\.667 \| -0\.333 \|/);
    expect(md).toMatch(/## Largest drops/);
  });

  it("reports a judge's agreement with human labels when cases have them", () => {
    const labelled = {
      ...run,
      cases: run.cases.map((c, i) => ({
        ...c,
        humanLabel: i % 2 ? "good" : "bad",
        scores: { ...c.scores, judge: { score: i % 3 ? 1 : 0, label: i % 3 ? "good" : "bad" } },
      })),
    };
    const j = JSON.parse(renderJsonReport(labelled));
    expect(j.humanAgreement.judge.n).toBe(30);
    expect(j.humanAgreement.judge.kappa).toBeLessThan(0.5);
    expect(renderMarkdownReport(labelled)).toMatch(/Agreement of judge with human labels: Cohen's kappa/);
    expect(renderHtmlReport(labelled)).toMatch(/data-figure="kappa" data-metric="judge"/);
  });

  it("HTML is self-contained and escapes model output", () => {
    const html = renderHtmlReport(run, comparison, baseline);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html).toContain("&lt;b&gt;maybe&lt;/b&gt;");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
