import { describe, expect, it } from "vitest";
import { KeelError } from "../errors.js";
import { syntheticStream } from "./__fixtures__/synthetic-stream.js";
import { metricsCollector } from "./metrics-collector.js";

describe("metricsCollector", () => {
  it("keeps latency quantiles, tokens, cost and counts per model, provider and tenant", () => {
    const s = syntheticStream();
    const m = metricsCollector({ events: s.hub, windowMs: 60_000, now: s.now });
    for (let i = 1; i <= 100; i++) s.call("gpt-4o", i * 10, { timeToFirstTokenMs: i }, { tenant: "acme" });
    for (let i = 0; i < 10; i++) s.call("claude", 50);
    s.failure("gpt-4o", new KeelError("boom"), { tenant: "acme" });
    s.fallback("gpt-4o", "claude");
    s.emit("retry.scheduled", { model: "gpt-4o", attempt: 1, delayMs: 10, error: new KeelError("x") });
    s.emit("cache.hit", { kind: "exact", model: "claude", key: "k", ageMs: 5 });
    s.cost("gpt-4o", 0.25, "acme");
    s.cost("gpt-4o", 0.5, "acme");
    s.retrieval(["a"]);
    s.retrieval([], new KeelError("down"));

    const p95 = m.histogram("latencyMs", { model: "gpt-4o" }).p95!;
    expect(Math.abs(p95 - 950) / 950).toBeLessThanOrEqual(0.01);
    expect(m.histogram("latencyMs").count).toBe(110);
    expect(m.histogram("ttftMs", { tenant: "acme" }).p50).toBeCloseTo(50, -1);
    expect(m.count("calls", { provider: "openai" })).toBe(111);
    expect(m.count("errors", { model: "gpt-4o" })).toBe(1);
    expect(m.count("fallbacks", { model: "gpt-4o" })).toBe(1);
    expect(m.count("retries")).toBe(1);
    expect(m.count("cacheHits", { model: "claude" })).toBe(1);
    expect(m.count("costUsd", { tenant: "acme" })).toBeCloseTo(0.75);
    expect(m.count("retrievalFailures")).toBe(1);

    const snap = m.snapshot();
    expect(snap["model=gpt-4o"]).toMatchObject({
      calls: 101,
      errors: 1,
      inputTokens: 10_000,
      outputTokens: 2000,
    });
    expect(snap["model=gpt-4o"]?.errorRate).toBeCloseTo(1 / 101);
    expect(snap["model=claude"]?.latencyMs.p99).toBeCloseTo(50, -1);
    expect(Object.keys(snap)).toEqual(expect.arrayContaining(["", "provider=openai", "tenant=acme"]));
  });

  it("forgets what slid out of the window and stops on request", () => {
    const s = syntheticStream();
    const m = metricsCollector({ events: s.hub, windowMs: 60_000, now: s.now });
    s.call("m", 100);
    s.advance(70_000);
    expect(m.count("calls")).toBe(0);
    expect(m.histogram("latencyMs").p50).toBeUndefined();
    m.stop();
    s.call("m", 100);
    expect(m.count("calls")).toBe(0);
    expect(m.histogram("latencyMs", { model: "never-seen" }).count).toBe(0);
  });

  it("rejects a bad window up front", () => {
    expect(() => metricsCollector({ windowMs: -5 })).toThrow(/windowMs must be positive/);
  });
});
