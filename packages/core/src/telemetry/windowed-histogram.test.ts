import { describe, expect, it } from "vitest";
import { WindowedCounter } from "./windowed-counter.js";
import { WindowedHistogram } from "./windowed-histogram.js";

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** The exact nearest-rank quantile, to check the sketch against. */
function exact(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe("WindowedHistogram", () => {
  it("gives P50/P95/P99 within 1% of the exact values", () => {
    const c = clock();
    const h = new WindowedHistogram({ windowMs: 60_000, now: c.now });
    // A skewed, deterministic latency distribution: a long tail like real model calls.
    const values = Array.from({ length: 20_000 }, (_, i) => 50 + ((i * 7919) % 1000) ** 2 / 100);
    for (const v of values) h.record(v);
    const s = h.summary();
    expect(s.count).toBe(values.length);
    for (const [q, got] of [
      [0.5, s.p50],
      [0.95, s.p95],
      [0.99, s.p99],
    ] as const) {
      const want = exact(values, q);
      expect(Math.abs(got! - want) / want).toBeLessThanOrEqual(0.01);
    }
    expect(s.min).toBe(50);
  });

  it("forgets values once their sub-window slides out", () => {
    const c = clock(0);
    const h = new WindowedHistogram({ windowMs: 60_000, subWindows: 6, now: c.now });
    h.record(1000);
    c.advance(30_000);
    h.record(10);
    expect(h.summary().count).toBe(2);
    c.advance(30_000); // the first sub-window [0, 10 s) is now out of [10 s, 70 s)
    expect(h.summary()).toMatchObject({ count: 1, p99: expect.closeTo(10, 0) });
    c.advance(60_000);
    const empty = h.summary();
    expect(empty.count).toBe(0);
    expect(empty.p50).toBeUndefined();
  });

  it("reads an earlier baseline span beside the current window", () => {
    const c = clock(0);
    const h = new WindowedHistogram({ windowMs: 60_000, retainMs: 360_000, now: c.now });
    for (let i = 0; i < 300; i++) {
      h.record(100);
      c.advance(1000);
    }
    for (let i = 0; i < 60; i++) {
      h.record(400);
      c.advance(1000);
    }
    c.advance(-1); // stay inside the last sub-window written
    expect(h.summary().p95).toBeCloseTo(400, -1);
    const baseline = h.summary(300_000, 60_000);
    expect(baseline.count).toBe(300);
    expect(baseline.p95).toBeCloseTo(100, -1);
  });

  it("refuses reads past its retention and values that are not numbers", () => {
    const h = new WindowedHistogram({ windowMs: 60_000 });
    expect(() => h.summary(60_000, 60_000)).toThrow(/only 6 are kept/);
    expect(() => h.record(Number.NaN)).toThrow(/cannot record NaN/);
    expect(() => h.summary().quantile(2)).toThrow(/quantile must be in/);
    expect(() => new WindowedHistogram({ windowMs: 0 })).toThrow(/windowMs must be positive/);
  });
});

describe("WindowedCounter", () => {
  it("sums the current window and an earlier span", () => {
    const c = clock(0);
    const n = new WindowedCounter({ windowMs: 10_000, subWindows: 2, retainMs: 30_000, now: c.now });
    n.add();
    n.add(2);
    c.advance(10_000);
    n.add(0.5);
    expect(n.total()).toBe(0.5);
    expect(n.total(10_000, 10_000)).toBe(3);
    expect(n.total(30_000)).toBe(3.5);
    expect(() => n.add(Number.POSITIVE_INFINITY)).toThrow(/cannot add/);
  });
});
