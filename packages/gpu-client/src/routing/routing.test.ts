import { describe, expect, it } from "vitest";
import { blockHashes } from "../block-hash.js";
import { candidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { prefixAffinity } from "./prefix-affinity.js";
import { kvAware } from "./scoring.js";
import { leastOutstanding, powerOfTwo, roundRobin, sessionAffinity } from "./simple-policies.js";

const c = candidate;
const input = (text = "", over: Partial<RouteInput> = {}): RouteInput => ({
  prefixHashes: blockHashes(text),
  tokens: 100,
  ...over,
});

describe("routing policies", () => {
  it("round robin gives each endpoint picks in proportion to its weight, spread out", () => {
    const policy = roundRobin();
    const pool = [c("a", { weight: 2 }), c("b"), c("c")];
    const picks = Array.from({ length: 8 }, () => policy.pick(pool, input()).endpoint);
    expect(picks.filter((p) => p === "a")).toHaveLength(4);
    expect(picks.filter((p) => p === "b")).toHaveLength(2);
    expect(picks.slice(0, 4)).not.toEqual(["a", "a", "b", "c"]);
  });

  it("least outstanding counts in-flight requests plus a fresh waiting queue, per unit of weight", () => {
    const policy = leastOutstanding();
    expect(policy.pick([c("a", { inflight: 3 }), c("b", { inflight: 1 })], input()).endpoint).toBe("b");
    expect(
      policy.pick([c("a", { inflight: 1 }), c("b", { inflight: 0, waiting: 4 })], input()).endpoint,
    ).toBe("a");
    expect(policy.pick([c("a", { inflight: 4, weight: 4 }), c("b", { inflight: 2 })], input()).endpoint).toBe(
      "a",
    );
  });

  it("power of two never picks the more loaded of its two draws", () => {
    const policy = powerOfTwo({ seed: 3 });
    const pool = [c("a", { inflight: 10 }), c("b", { inflight: 0 })];
    for (let i = 0; i < 20; i++) expect(policy.pick(pool, input()).endpoint).toBe("b");
  });

  it("kv-aware prefers the emptier cache and filters out saturated endpoints", () => {
    const policy = kvAware();
    const fresh = { stale: false };
    expect(
      policy.pick([c("a", { ...fresh, kvUsage: 0.7 }), c("b", { ...fresh, kvUsage: 0.2 })], input()).endpoint,
    ).toBe("b");
    // b's queue is past the saturation threshold (5 waiting): dropped even with the emptier cache.
    expect(
      policy.pick(
        [c("a", { ...fresh, kvUsage: 0.5, waiting: 0 }), c("b", { ...fresh, kvUsage: 0.1, waiting: 9 })],
        input(),
      ).endpoint,
    ).toBe("a");
    // Every endpoint saturated: the filter fails open.
    expect(["a", "b"]).toContain(
      policy.pick([c("a", { ...fresh, waiting: 9 }), c("b", { ...fresh, waiting: 9 })], input()).endpoint,
    );
  });

  it("session affinity keeps a session on its endpoint and moves only the sessions of one that leaves", () => {
    const policy = sessionAffinity();
    const pool = [c("a"), c("b"), c("c"), c("d")];
    const sessions = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const before = sessions.map((s) => policy.pick(pool, input("", { sessionId: s })).endpoint);
    expect(sessions.map((s) => policy.pick(pool, input("", { sessionId: s })).endpoint)).toEqual(before);
    const after = sessions.map((s) => policy.pick(pool.slice(0, 3), input("", { sessionId: s })).endpoint);
    sessions.forEach((_, i) => {
      if (before[i] !== "d") expect(after[i]).toBe(before[i]);
    });
    expect(new Set(before).size).toBe(4);
  });

  it("prefix affinity follows the longest believed-cached prefix, and a cold prefix goes to the least loaded", () => {
    const policy = prefixAffinity();
    const system = "You are the billing assistant of ACME. ".repeat(20);
    const pool = [c("a"), c("b", { inflight: 1 }), c("c", { inflight: 2 })];
    const first = policy.pick(pool, input(`${system}q1`));
    expect(first).toMatchObject({ endpoint: "a", reason: "no cached prefix: least loaded" });
    policy.commit!("a", input(`${system}q1`));
    const busyA = [c("a", { inflight: 2 }), c("b", { inflight: 1 }), c("c", { inflight: 0 })];
    const second = policy.pick(busyA, input(`${system}q2`));
    expect(second.endpoint).toBe("a");
    expect(second.prefixMatch).toBeGreaterThan(0.9);
    expect(second.reason).toMatch(/^prefix match/);
  });

  it("the load gate takes the prefix score from an endpoint far busier than the least busy one", () => {
    const policy = prefixAffinity({ balanceAbs: 8, balanceRel: 1.5 });
    const prompt = input("shared tenant prompt ".repeat(30));
    policy.commit!("a", prompt);
    // 9 more in flight than b, and over 1.5 × b's load: gated.
    expect(policy.pick([c("a", { inflight: 10 }), c("b", { inflight: 1 })], prompt).endpoint).toBe("b");
    // Busier, but not by enough to break the affinity.
    expect(policy.pick([c("a", { inflight: 6 }), c("b", { inflight: 1 })], prompt).endpoint).toBe("a");
    // An endpoint whose cache was lost is forgotten.
    policy.forget!("a");
    expect(policy.pick([c("a", { inflight: 1 }), c("b", { inflight: 0 })], prompt).endpoint).toBe("b");
  });
});

describe("kv-cost (Dynamo's router cost)", () => {
  it("weighs the request's uncached blocks against each endpoint's blocks in flight", async () => {
    const { kvCost } = await import("./kv-cost.js");
    const policy = kvCost();
    const prompt = input("tenant system prompt ".repeat(50), { tokens: 300, outputTokens: 50 });
    expect(policy.pick([c("a"), c("b", { inflightTokens: 16 })], prompt).endpoint).toBe("a");
    policy.commit!("b", prompt);
    // b holds the prefix: only the unmatched tail costs prefill there.
    expect(policy.pick([c("a"), c("b", { inflightTokens: 160 })], prompt).endpoint).toBe("b");
    // Enough load on b outweighs the cached prefix: the hot prefix spills to a.
    const spilled = policy.pick([c("a"), c("b", { inflightTokens: 16 * 400 })], prompt);
    expect(spilled).toMatchObject({ endpoint: "a", reason: "lowest KV cost, no cached prefix" });
  });
});
