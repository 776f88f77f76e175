import { describe, expect, it, vi } from "vitest";
import { KeelError } from "../errors.js";
import { syntheticStream } from "./__fixtures__/synthetic-stream.js";
import { parseAlertRules } from "./alert-rules.js";
import type { Alert, AlertOf } from "./alert-types.js";
import { alertRules } from "./alerts.js";

async function engine(rules: unknown[], s = syntheticStream()) {
  const alerts: Alert[] = [];
  const e = await alertRules({
    rules: rules as never,
    events: s.hub,
    now: s.now,
    onAlert: (a) => alerts.push(a),
  });
  return { ...s, alerts, engine: e };
}

describe("parseAlertRules", () => {
  it("fills defaults and ids and reads JSON text", async () => {
    const rules = await parseAlertRules(
      JSON.stringify([
        { kind: "latency-spike", windowMs: 60_000, baselineMs: 600_000, factor: 2 },
        { kind: "model-version-mismatch", id: "pin", model: "gpt-4o", pinned: "gpt-4o-2024-08-06" },
      ]),
    );
    expect(rules[0]).toMatchObject({
      id: "latency-spike#0",
      metric: "latencyMs",
      quantile: 0.95,
      minSamples: 20,
      cooldownMs: 300_000,
      severity: "warning",
    });
    expect(rules[1]?.id).toBe("pin");
  });

  it("explains every problem with its path", async () => {
    await expect(
      parseAlertRules([
        { kind: "latency-spike", windowMs: -1, baselineMs: 1, factor: 2 },
        { kind: "error-rate-spike", windowMs: 1000 },
      ]),
    ).rejects.toThrow(/0\.windowMs: too small.*; 1: set maxRate, or baselineMs and factor/i);
    await expect(parseAlertRules([{ kind: "nope" }])).rejects.toThrow(/0\.kind: .*latency-spike/);
    await expect(parseAlertRules("{oops")).rejects.toThrow(/not valid JSON/);
    await expect(
      parseAlertRules([
        { kind: "hallucination", id: "a", minScore: 0.5 },
        { kind: "hallucination", id: "a", minScore: 0.6 },
      ]),
    ).rejects.toThrow(/"a" is used twice/);
    await expect(parseAlertRules([{ kind: "hallucination", minScore: 0.5, extra: 1 }])).rejects.toThrow(
      /extra/,
    );
  });

  it("needs somewhere to send alerts", async () => {
    await expect(alertRules({ rules: [] })).rejects.toThrow(/onAlert or on/);
  });
});

describe("alert rules on synthetic event streams", () => {
  it("fires a latency spike when the window P95 passes factor × the baseline P95, then cools down", async () => {
    const s = await engine([
      {
        kind: "latency-spike",
        id: "p95",
        windowMs: 60_000,
        baselineMs: 300_000,
        factor: 2,
        minSamples: 10,
        cooldownMs: 30_000,
      },
    ]);
    // Five quiet minutes at ~200 ms.
    for (let i = 0; i < 300; i++) {
      s.call("gpt-4o", 180 + (i % 40));
      s.advance(1000);
    }
    expect(s.alerts).toHaveLength(0);
    // Then everything takes ~900 ms.
    for (let i = 0; i < 20; i++) {
      s.call("gpt-4o", 900);
      s.advance(1000);
    }
    expect(s.alerts).toHaveLength(1);
    const alert = s.alerts[0] as AlertOf<"latency-spike">;
    expect(alert).toMatchObject({ kind: "latency-spike", ruleId: "p95", metric: "latencyMs", suppressed: 0 });
    expect(alert.baseline).toBeGreaterThan(200);
    expect(alert.baseline).toBeLessThan(230);
    expect(Math.abs(alert.current - 900) / 900).toBeLessThanOrEqual(0.01);
    expect(alert.value).toBeGreaterThan(alert.threshold);
    // Still slow after the 30 s cooldown: one more alert, saying how many it held back.
    for (let i = 0; i < 30; i++) {
      s.call("gpt-4o", 900);
      s.advance(1000);
    }
    expect(s.alerts).toHaveLength(2);
    expect(s.alerts[1]!.suppressed).toBeGreaterThan(20);
  });

  it("keeps one state per model with `by`", async () => {
    const s = await engine([
      {
        kind: "error-rate-spike",
        windowMs: 60_000,
        maxRate: 0.2,
        minSamples: 10,
        by: "model",
        cooldownMs: 0,
      },
    ]);
    for (let i = 0; i < 20; i++) {
      s.call("good", 100);
      if (i % 2 === 0) s.failure("bad");
      else s.call("bad", 100);
    }
    const groups = new Set(s.alerts.map((a) => a.group));
    expect(groups).toEqual(new Set(["model=bad"]));
    const last = s.alerts.at(-1) as AlertOf<"error-rate-spike">;
    expect(last.rate).toBeCloseTo(0.5, 1);
    expect(last.threshold).toBe(0.2);
  });

  it("fires an error-rate spike against the baseline only above minRate", async () => {
    const s = await engine([
      {
        kind: "error-rate-spike",
        windowMs: 60_000,
        baselineMs: 300_000,
        factor: 3,
        minRate: 0.1,
        minSamples: 20,
      },
    ]);
    for (let i = 0; i < 300; i++) {
      if (i % 50 === 0) s.failure("m");
      else s.call("m", 100);
      s.advance(1000);
    }
    // 2% in the baseline; 6% now is 3× but below the 10% floor.
    for (let i = 0; i < 50; i++) {
      if (i % 16 === 0) s.failure("m");
      else s.call("m", 100);
      s.advance(1000);
    }
    expect(s.alerts).toHaveLength(0);
    for (let i = 0; i < 20; i++) s.failure("m");
    expect(s.alerts).toHaveLength(1);
    expect((s.alerts[0] as AlertOf<"error-rate-spike">).baselineRate).toBeCloseTo(0.02, 2);
  });

  it("fires a fallback-rate spike", async () => {
    const s = await engine([{ kind: "fallback-rate-spike", windowMs: 60_000, maxRate: 0.3, minSamples: 5 }]);
    for (let i = 0; i < 10; i++) {
      s.call("primary", 100);
      if (i >= 5) s.fallback("primary", "backup");
    }
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toMatchObject({ kind: "fallback-rate-spike", fallbacks: 3, calls: 8 });
  });

  it("fires a cost spike over an absolute bound or the baseline", async () => {
    const s = await engine([
      { kind: "cost-spike", id: "cap", windowMs: 60_000, maxUsd: 1 },
      { kind: "cost-spike", id: "rel", windowMs: 60_000, baselineMs: 300_000, factor: 4, minSamples: 5 },
    ]);
    // The baseline is used once the rule has seen a whole window and baseline (6 minutes).
    for (let i = 0; i < 400; i++) {
      s.cost("gpt-4o", 0.001); // $0.06 a minute
      s.advance(1000);
    }
    expect(s.alerts).toHaveLength(0);
    for (let i = 0; i < 30; i++) s.cost("gpt-4o", 0.01); // +$0.30 in a moment
    expect(s.alerts.map((a) => a.ruleId)).toEqual(["rel"]);
    const rel = s.alerts[0] as AlertOf<"cost-spike">;
    expect(rel.baselineUsd).toBeCloseTo(0.06, 3);
    s.cost("gpt-4o", 1);
    expect(s.alerts.map((a) => a.ruleId)).toEqual(["rel", "cap"]);
  });

  it("fires on retrieval failures and empty results over a rate", async () => {
    const s = await engine([{ kind: "retrieval-failures", windowMs: 60_000, maxRate: 0.25, minSamples: 8 }]);
    for (let i = 0; i < 6; i++) s.retrieval(["a", "b"]);
    s.retrieval([]);
    s.retrieval([], new KeelError("qdrant down"));
    expect(s.alerts).toHaveLength(0); // 2/8 is not over 25%
    s.retrieval([]);
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toMatchObject({ kind: "retrieval-failures", failures: 3, retrievals: 9 });
  });

  it("fires when the served model differs from the pinned one", async () => {
    const s = await engine([
      {
        kind: "model-version-mismatch",
        model: "gpt-4o",
        pinned: ["gpt-4o-2024-08-06"],
        severity: "critical",
        cooldownMs: 0,
      },
    ]);
    s.call("gpt-4o", 100, { servedModel: "gpt-4o-2024-08-06" });
    s.call("gpt-4o-mini", 100, { servedModel: "anything" });
    s.call("gpt-4o", 100, { servedModel: "gpt-4o-2024-11-20" });
    expect(s.alerts).toEqual([
      expect.objectContaining({
        kind: "model-version-mismatch",
        served: "gpt-4o-2024-11-20",
        severity: "critical",
      }),
    ]);
  });

  it("fires on a groundedness score below the bound, per score or as a window mean", async () => {
    const s = await engine([
      { kind: "hallucination", id: "each", minScore: 0.5, cooldownMs: 0 },
      { kind: "hallucination", id: "mean", minScore: 0.7, windowMs: 60_000, minSamples: 3 },
    ]);
    s.emit("eval.scored", { metric: "groundedness", score: 0.9 });
    s.emit("eval.scored", { metric: "relevance", score: 0.1 });
    s.emit("eval.scored", { metric: "groundedness", score: 0.4, callId: "c1" });
    expect(s.alerts.map((a) => a.ruleId)).toEqual(["each"]);
    expect(s.alerts[0]).toMatchObject({ score: 0.4, callId: "c1" });
    s.emit("eval.scored", { metric: "groundedness", score: 0.6 });
    expect(s.alerts.map((a) => a.ruleId)).toEqual(["each", "mean"]);
    expect((s.alerts[1] as AlertOf<"hallucination">).score).toBeCloseTo((0.9 + 0.4 + 0.6) / 3);
  });

  it("calls typed per-kind callbacks and reports a throwing callback", async () => {
    const s = syntheticStream();
    const served: string[] = [];
    const onError = vi.fn();
    await alertRules({
      rules: [{ kind: "model-version-mismatch", model: "m", pinned: "m-1" }],
      events: s.hub,
      now: s.now,
      on: {
        "model-version-mismatch": (a) => {
          served.push(a.served);
          throw new Error("pager down");
        },
      },
      onError,
    });
    s.call("m", 10, { servedModel: "m-2" });
    expect(served).toEqual(["m-2"]);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: "pager down" }),
      expect.anything(),
    );
  });

  it("stops watching the hub", async () => {
    const s = await engine([{ kind: "hallucination", minScore: 0.5, cooldownMs: 0 }]);
    s.engine.stop();
    s.emit("eval.scored", { metric: "groundedness", score: 0 });
    expect(s.alerts).toHaveLength(0);
  });
});
