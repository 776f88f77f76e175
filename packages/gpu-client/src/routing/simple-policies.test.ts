import { describe, expect, it } from "vitest";
import { candidate } from "./__fixtures__/candidates.js";
import type { Candidate, RouteInput, RoutingPolicy } from "./candidate.js";
import { leastOutstanding, powerOfTwo, roundRobin } from "./simple-policies.js";

const c = candidate;
const input: RouteInput = { prefixHashes: [], tokens: 100 };
const picks = (policy: RoutingPolicy, pool: Candidate[], n = 40) =>
  Array.from({ length: n }, () => policy.pick(pool, input).endpoint).join(" ");

describe("round robin after an endpoint restarts", () => {
  it("drops the credit a forgotten endpoint had built up, so the next in turn goes first", () => {
    const pool = [c("a"), c("b"), c("c")];
    const kept = roundRobin();
    const restarted = roundRobin();
    for (const policy of [kept, restarted]) expect(policy.pick(pool, input).endpoint).toBe("a");
    // b and c have each built up one pick of credit; b restarts and its policy state is forgotten.
    restarted.forget?.("b");
    expect(kept.pick(pool, input).endpoint).toBe("b");
    expect(restarted.pick(pool, input).endpoint).toBe("c");
  });
});

describe("seeded tie-breaks", () => {
  const tied = [c("a"), c("b"), c("c"), c("d")];

  it("least outstanding repeats its picks for a seed, and a different seed picks differently", () => {
    expect(picks(leastOutstanding({ seed: 4 }), tied)).toBe(picks(leastOutstanding({ seed: 4 }), tied));
    expect(picks(leastOutstanding({ seed: 4 }), tied)).not.toBe(picks(leastOutstanding({ seed: 5 }), tied));
    expect(picks(leastOutstanding(), tied)).toBe(picks(leastOutstanding({ seed: 1 }), tied));
  });

  it("power of two repeats its draws for a seed, and a different seed draws differently", () => {
    expect(picks(powerOfTwo({ seed: 4 }), tied)).toBe(picks(powerOfTwo({ seed: 4 }), tied));
    expect(picks(powerOfTwo({ seed: 4 }), tied)).not.toBe(picks(powerOfTwo({ seed: 5 }), tied));
    expect(picks(powerOfTwo(), tied)).toBe(picks(powerOfTwo({ seed: 1 }), tied));
  });
});
