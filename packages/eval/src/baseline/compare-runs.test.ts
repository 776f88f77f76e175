import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import type { CaseResult, EvalRun } from "../runner/types.js";
import { compareRuns, pairedBootstrap } from "./compare-runs.js";

function run(id: string, scores: Record<string, number[]>): EvalRun {
  const n = Object.values(scores)[0]!.length;
  const cases: CaseResult[] = Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    input: `q${i}`,
    scores: Object.fromEntries(Object.entries(scores).map(([m, v]) => [m, { score: v[i]! }])),
  }));
  return { id, name: "t", startedAt: "", finishedAt: "", seed: 0, config: {}, cases, summary: {} };
}

describe("pairedBootstrap", () => {
  it("is deterministic for a seed and brackets the mean difference", () => {
    const d = Array.from({ length: 50 }, (_, i) => (i % 5) / 10 - 0.1);
    const a = pairedBootstrap(d, { seed: 1 });
    expect(pairedBootstrap(d, { seed: 1 })).toEqual(a);
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    expect(a[0]).toBeLessThan(mean);
    expect(a[1]).toBeGreaterThan(mean);
    // Constant differences give a zero-width interval.
    const [lo, hi] = pairedBootstrap([0.2, 0.2, 0.2]);
    expect(lo).toBeCloseTo(0.2, 12);
    expect(hi).toBeCloseTo(0.2, 12);
  });
});

describe("compareRuns", () => {
  const base = run("base", {
    f1: Array.from({ length: 40 }, (_, i) => 0.6 + (i % 4) * 0.1),
    em: Array.from({ length: 40 }, (_, i) => i % 2),
  });

  it("flags a significant drop as a regression and fails the default gate", () => {
    const worse = run("worse", {
      f1: base.cases.map((c) => c.scores.f1!.score - 0.2),
      em: base.cases.map((c) => c.scores.em!.score),
    });
    const cmp = compareRuns(worse, base);
    const f1 = cmp.metrics.find((m) => m.metric === "f1")!;
    expect(f1.delta).toBeCloseTo(-0.2);
    expect(f1.regression).toBe(true);
    expect(f1.failed).toBe(true);
    expect(f1.reason).toMatch(/fell by 0.2000/);
    expect(cmp.metrics.find((m) => m.metric === "em")).toMatchObject({
      delta: 0,
      failed: false,
      regression: false,
    });
    expect(cmp.passed).toBe(false);
    expect(cmp.caseDiffs).toHaveLength(40);
  });

  it("lets a drop within the allowed margin pass, and a minimum gate fail on its own", () => {
    const slightly = run("slightly", {
      f1: base.cases.map((c) => c.scores.f1!.score - 0.01),
      em: base.cases.map((c) => c.scores.em!.score),
    });
    expect(compareRuns(slightly, base, { gates: { f1: { maxDrop: 0.02 } } }).passed).toBe(true);
    const cmp = compareRuns(slightly, base, { gates: { em: { min: 0.9 } } });
    expect(cmp.passed).toBe(false);
    expect(cmp.metrics.find((m) => m.metric === "em")?.reason).toMatch(/below the minimum 0.9/);
  });

  it("does not call noise a regression", () => {
    const noisy = run("noisy", {
      f1: base.cases.map((c, i) => c.scores.f1!.score + (i % 2 ? 0.05 : -0.05)),
      em: base.cases.map((c) => c.scores.em!.score),
    });
    const f1 = compareRuns(noisy, base).metrics.find((m) => m.metric === "f1")!;
    expect(f1.ci[0]).toBeLessThan(0);
    expect(f1.ci[1]).toBeGreaterThan(0);
    expect(f1.regression).toBe(false);
  });

  it("compares only shared cases and names the others", () => {
    const partial = {
      ...base,
      id: "p",
      cases: [...base.cases.slice(1), { id: "new", input: "x", scores: { f1: { score: 1 } } }],
    };
    const cmp = compareRuns(partial, base);
    expect(cmp.onlyInRun).toEqual(["new"]);
    expect(cmp.onlyInBaseline).toEqual(["c0"]);
    expect(cmp.metrics[0]!.n).toBe(39);
    expect(() => compareRuns(base, base, { gates: { nope: { maxDrop: 0 } } })).toThrow(EvalInputError);
  });
});
