import { describe, expect, it } from "vitest";
import { LatencyWindow } from "./latency-window.js";

describe("LatencyWindow", () => {
  it("has no quantile until a sample arrives", () => {
    const window = new LatencyWindow(4);
    expect(window.size).toBe(0);
    expect(window.quantile(0.5)).toBeUndefined();
  });

  it("gives the nearest-rank quantile of the samples, whatever order they came in", () => {
    const window = new LatencyWindow(10);
    for (const ms of [50, 10, 40, 30, 20]) window.add(ms);
    expect(window.size).toBe(5);
    expect(window.quantile(0.2)).toBe(10);
    expect(window.quantile(0.5)).toBe(30);
    expect(window.quantile(0.9)).toBe(50);
    expect(window.quantile(0.01)).toBe(10);
    // Sorted numerically, not as text ("100" would sort before "20").
    window.add(100);
    expect(window.quantile(0.99)).toBe(100);
    expect(window.quantile(0.33)).toBe(20);
  });

  it("keeps only the newest `capacity` samples, replacing the oldest first", () => {
    const window = new LatencyWindow(3);
    for (const ms of [1000, 900, 800]) window.add(ms);
    window.add(1);
    expect(window.size).toBe(3);
    // 1000 was replaced: the slowest left is 900.
    expect(window.quantile(0.99)).toBe(900);
    window.add(2);
    window.add(3);
    expect(window.size).toBe(3);
    expect(window.quantile(0.99)).toBe(3);
    expect(window.quantile(0.01)).toBe(1);
  });
});
