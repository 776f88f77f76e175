import { describe, expect, it } from "vitest";
import { blockHashes } from "../block-hash.js";
import { scrapedCandidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { prefixAffinity } from "./prefix-affinity.js";

const c = scrapedCandidate;
const shared: RouteInput = { prefixHashes: blockHashes("t".repeat(64 * 10)), tokens: 200 };

describe("prefix affinity's load gate at its edges", () => {
  // The holder has one prefill queued, so without its prefix score the idle endpoint wins.
  it("keeps the affinity of a holder exactly balanceAbs requests busier, and drops it just past that", () => {
    const policy = prefixAffinity({ balanceAbs: 8, balanceRel: 1.5 });
    policy.commit!("holder", shared);
    expect(
      policy.pick([c("holder", { inflight: 10, prefilling: 1 }), c("idle", { inflight: 2 })], shared)
        .endpoint,
    ).toBe("holder");
    expect(
      policy.pick([c("holder", { inflight: 11, prefilling: 1 }), c("idle", { inflight: 2 })], shared)
        .endpoint,
    ).toBe("idle");
  });

  it("measures the gap from the least busy endpoint's load, not from zero", () => {
    const policy = prefixAffinity({ balanceAbs: 8, balanceRel: 1.5 });
    policy.commit!("holder", shared);
    // 7 requests busier than idle (not over 8), though 8 + 1 = 9 would be.
    expect(
      policy.pick([c("holder", { inflight: 8, prefilling: 1 }), c("idle", { inflight: 1 })], shared).endpoint,
    ).toBe("holder");
  });

  it("keeps the affinity of a holder busier by more than balanceAbs but not over balanceRel times the least busy", () => {
    const policy = prefixAffinity({ balanceAbs: 8, balanceRel: 1.5 });
    policy.commit!("holder", shared);
    // 10 more than idle, but exactly 1.5 × 20: still sticky.
    const decision = policy.pick(
      [c("holder", { inflight: 30, prefilling: 1 }), c("idle", { inflight: 20 })],
      shared,
    );
    expect(decision).toMatchObject({ endpoint: "holder", prefixMatch: 1 });
    // Past 1.5 ×: gated, and its prefix score is gone.
    const gated = policy.pick(
      [c("holder", { inflight: 31, prefilling: 1 }), c("idle", { inflight: 20 })],
      shared,
    );
    expect(gated.endpoint).toBe("idle");
    // Its queue (one prefill against none) scores 0, its empty cache 1 × 2.
    expect(gated.scores?.holder).toBe(0 + 2 * 0 + 2 * 1);
  });
});

describe("prefix affinity's scores", () => {
  it("weighs prefix, queue and KV scores as the options say", () => {
    const policy = prefixAffinity({ cacheThreshold: 1, weights: { prefix: 1, queue: 5, kv: 7 } });
    policy.commit!("holder", shared);
    const d = policy.pick(
      [c("holder", { prefilling: 2, kvUsage: 0.5 }), c("idle", { prefilling: 0, kvUsage: 0.25 })],
      shared,
    );
    expect(d.scores?.holder).toBeCloseTo(1 * 1 + 5 * 0 + 7 * 0.5, 12);
    expect(d.scores?.idle).toBeCloseTo(1 * 0 + 5 * 1 + 7 * 0.75, 12);
    expect(d.endpoint).toBe("idle");
  });
});

describe("prefix affinity's fallbacks", () => {
  it("still picks when every endpoint is saturated (the filter fails open)", () => {
    const policy = prefixAffinity();
    policy.commit!("b", shared);
    const d = policy.pick([c("a", { waiting: 9 }), c("b", { waiting: 9 })], shared);
    expect(d).toMatchObject({ endpoint: "b", prefixMatch: 1, reason: "prefix match 100%" });
  });

  it("routes an empty prompt (no blocks) by load alone, with no prefix match", () => {
    const policy = prefixAffinity();
    policy.commit!("a", shared);
    const empty: RouteInput = { prefixHashes: [], tokens: 50 };
    const d = policy.pick([c("a", { prefilling: 3 }), c("b", { prefilling: 1 })], empty);
    expect(d).toMatchObject({ endpoint: "b", prefixMatch: 0, reason: "no cached prefix: least loaded" });
  });
});
