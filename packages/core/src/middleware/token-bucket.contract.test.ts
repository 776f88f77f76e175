import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts full and refills continuously at capacity per period, never above capacity", () => {
    const bucket = new TokenBucket(60, 60_000, 0);
    expect(bucket.level(0)).toBe(60);
    bucket.take(60, 0);
    expect(bucket.level(0)).toBe(0);
    expect(bucket.level(30_000)).toBe(30);
    expect(bucket.level(60_000)).toBe(60);
    expect(bucket.level(600_000)).toBe(60);
  });

  it("gives tokens back up to capacity only", () => {
    const bucket = new TokenBucket(10, 1000, 0);
    bucket.take(4, 0);
    bucket.give(3, 0);
    expect(bucket.level(0)).toBe(9);
    bucket.give(5, 0);
    expect(bucket.level(0)).toBe(10);
  });

  it("lets a correction drive the level below zero and makes later callers wait out the debt", () => {
    const bucket = new TokenBucket(10, 1000, 0);
    bucket.take(15, 0);
    expect(bucket.level(0)).toBe(-5);
    // 5 tokens of debt plus the 1 asked for, at 10 per second.
    expect(bucket.msUntil(1, 0)).toBe(600);
    expect(bucket.msUntil(1, 600)).toBe(0);
  });

  it("says 0 ms when the level already covers the ask, and rounds a wait up to whole ms", () => {
    const bucket = new TokenBucket(7, 1000, 0);
    expect(bucket.msUntil(7, 0)).toBe(0);
    bucket.take(7, 0);
    // One token takes 1000/7 = 142.86 ms: the wait must not end before it is there.
    expect(bucket.msUntil(1, 0)).toBe(143);
    expect(bucket.level(142)).toBeLessThan(1);
    expect(bucket.level(143)).toBeGreaterThanOrEqual(1);
  });

  it("counts an exact fill as enough (no extra millisecond)", () => {
    const bucket = new TokenBucket(10, 1000, 0);
    bucket.take(10, 0);
    expect(bucket.msUntil(1, 100)).toBe(0);
    expect(bucket.msUntil(2, 100)).toBe(100);
  });

  it("ignores a clock that steps backwards instead of draining the bucket", () => {
    const bucket = new TokenBucket(10, 1000, 0);
    bucket.take(10, 1000);
    expect(bucket.level(500)).toBe(0);
    // Refill still runs from the latest time seen, not from the earlier one.
    expect(bucket.level(1500)).toBe(5);
  });

  it("reads the clock when no time is given", () => {
    vi.useFakeTimers({ now: 10_000 });
    const bucket = new TokenBucket(10, 1000);
    bucket.take(10);
    expect(bucket.level()).toBe(0);
    expect(bucket.msUntil(1)).toBe(100);
    vi.advanceTimersByTime(500);
    expect(bucket.level()).toBe(5);
    bucket.give(10);
    expect(bucket.level()).toBe(10);
  });
});
