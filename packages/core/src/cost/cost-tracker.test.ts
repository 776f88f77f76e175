import { describe, expect, it } from "vitest";
import { EventHub, type KeelEvent } from "../events.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { CostTracker } from "./cost-tracker.js";
import { formatCostReport } from "./format-report.js";
import { trackCost } from "./track-cost.js";

const usage = { inputTokens: 1000, outputTokens: 500, totalTokens: 1500, cachedInputTokens: 400 };
const ask = (tenant?: string) => ({
  messages: [{ role: "user" as const, content: "hi" }],
  ...(tenant ? { tenant } : {}),
});

describe("CostTracker + trackCost", () => {
  it("accumulates per tenant, workflow, run and model from generate and stream", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const tracker = new CostTracker({ events: hub });
    const model = pipe(
      scriptedModel([{ text: "ok", usage }], { id: "gpt-4o-mini", provider: "openai" }),
      trackCost(tracker),
    );

    await model.generate(ask("acme"), { context: { flowId: "support", runId: "r1" } });
    const stream = model.stream(ask("globex"), { context: { flowId: "support", runId: "r2" } });
    for await (const _ of stream);
    await stream.response;
    await model.stream(ask(), { context: { tenant: "acme", flowId: "billing" } }).response;

    // gpt-4o-mini: 600 x $0.15 + 400 x $0.075 + 500 x $0.60 per million.
    const perCall = (600 * 0.15 + 400 * 0.075 + 500 * 0.6) / 1e6;
    expect(tracker.totals().calls).toBe(3);
    expect(tracker.totals().costUsd).toBeCloseTo(3 * perCall, 12);
    expect(tracker.totals("tenant", "acme").calls).toBe(2);
    expect(tracker.totals("flowId", "support").costUsd).toBeCloseTo(2 * perCall, 12);
    expect(tracker.totals("runId", "r2").calls).toBe(1);
    expect(tracker.report("tenant").rows.map((r) => r.key)).toEqual(["acme", "globex"]);
    expect(seen.filter((e) => e.type === "cost.recorded")).toHaveLength(3);

    const text = formatCostReport(tracker.report("flowId"));
    expect(text).toMatch(/support\s+2/);
    expect(text).toMatch(/TOTAL\s+3/);
    console.log(text);
  });

  it("charges nothing for cached answers and flags unpriced models", () => {
    const tracker = new CostTracker({ events: new EventHub() });
    expect(tracker.record({ model: "gpt-4o", provider: "openai", usage, cached: true })).toBe(0);
    expect(tracker.record({ model: "mystery", provider: "x", usage })).toBeUndefined();
    const t = tracker.totals();
    expect(t).toMatchObject({ calls: 2, cachedCalls: 1, unpricedCalls: 1, costUsd: 0 });
    tracker.reset();
    expect(tracker.totals().calls).toBe(0);
  });
});
