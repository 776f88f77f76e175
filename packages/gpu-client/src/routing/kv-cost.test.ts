import { describe, expect, it } from "vitest";
import { candidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { kvCost } from "./kv-cost.js";

const c = candidate;
const input: RouteInput = { prefixHashes: [], tokens: 10 };

describe("kv-cost's tie-break", () => {
  it("repeats its picks for a seed, defaults to seed 1, and picks differently for another seed", () => {
    const tied = [c("a"), c("b"), c("c"), c("d")];
    const picks = (seed?: number) => {
      const policy = kvCost(seed === undefined ? {} : { seed });
      return Array.from({ length: 40 }, () => policy.pick(tied, input).endpoint).join(" ");
    };
    expect(picks(4)).toBe(picks(4));
    expect(picks(4)).not.toBe(picks(5));
    expect(picks()).toBe(picks(1));
  });
});
