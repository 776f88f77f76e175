import { describe, expect, it } from "vitest";
import { candidate } from "./__fixtures__/candidates.js";
import { type Candidate, loadOf, queueOf, seededRandom } from "./candidate.js";

const c = (over: Partial<Candidate> = {}): Candidate => candidate("e", over);

describe("load and queue per unit of capacity", () => {
  it("divides the in-flight count plus a fresh waiting queue by the endpoint's weight", () => {
    expect(loadOf(c({ inflight: 6, waiting: 2, weight: 4 }))).toBe(2);
    expect(loadOf(c({ inflight: 3 }))).toBe(3);
  });

  it("takes the larger of the client's own prefill count and the scraped queue, per unit of weight", () => {
    expect(queueOf(c({ prefilling: 6, inflight: 9, waiting: 2, weight: 3 }))).toBe(2);
    expect(queueOf(c({ prefilling: 1, waiting: 8, weight: 4 }))).toBe(2);
    // No prefill count: the requests in flight stand in for it.
    expect(queueOf(c({ inflight: 5, weight: 2 }))).toBe(2.5);
  });
});

describe("seededRandom", () => {
  it("draws the same numbers in [0, 1) for a seed, and others for another seed", () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    const a = draw(42);
    expect(draw(42)).toEqual(a);
    expect(draw(43)).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    // Spread over the whole interval.
    expect(a.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(a.filter((x) => x < 0.5).length).toBeLessThan(600);
  });
});
