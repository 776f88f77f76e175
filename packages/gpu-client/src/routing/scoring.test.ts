import { describe, expect, it } from "vitest";
import { candidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { kvAware, queueScorer, saturationFilter, scoringPolicy } from "./scoring.js";

const c = candidate;
const input: RouteInput = { prefixHashes: [], tokens: 100 };

describe("a scoring policy's filters", () => {
  // b scores higher (empty queue, and its 85% KV usage still scores 0.15), but is saturated.
  const pool = [c("a", { waiting: 3, kvUsage: 0.5 }), c("b", { waiting: 0, kvUsage: 0.85 })];

  it("run before the scores: a saturated endpoint is not picked, however well it scores", () => {
    const filtered = scoringPolicy({ name: "f", filters: [saturationFilter()], scorers: [queueScorer()] });
    const unfiltered = scoringPolicy({ name: "u", scorers: [queueScorer()] });
    expect(unfiltered.pick(pool, input).endpoint).toBe("b");
    expect(filtered.pick(pool, input).endpoint).toBe("a");
    expect(Object.keys(filtered.pick(pool, input).scores ?? {})).toEqual(["a"]);
  });

  it("kv-aware filters saturated endpoints out", () => {
    for (let i = 0; i < 10; i++) expect(kvAware({ seed: i }).pick(pool, input).endpoint).toBe("a");
  });

  it("kv-aware scores queue and KV usage, so the better endpoint wins every time, not by a tie-break", () => {
    const policy = kvAware();
    const pool2 = [
      c("full", { kvUsage: 0.7 }),
      c("busy", { kvUsage: 0.2, inflight: 3 }),
      c("good", { kvUsage: 0.2 }),
    ];
    for (let i = 0; i < 20; i++) expect(policy.pick(pool2, input).endpoint).toBe("good");
    const decision = policy.pick(pool2, input);
    // Queue (weight 2): full 1, busy 0, good 1; KV (weight 2): 1 − usage.
    expect(decision.scores?.full).toBeCloseTo(2 + 2 * 0.3, 12);
    expect(decision.scores?.busy).toBeCloseTo(0 + 2 * 0.8, 12);
    expect(decision.scores?.good).toBeCloseTo(2 + 2 * 0.8, 12);
  });
});
