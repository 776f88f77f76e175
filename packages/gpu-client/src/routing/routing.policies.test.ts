import { describe, expect, it } from "vitest";
import { blockHashes } from "../block-hash.js";
import { candidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { kvCost } from "./kv-cost.js";
import { prefixAffinity } from "./prefix-affinity.js";
import { PrefixIndex } from "./prefix-index.js";
import { kvAware, kvUtilizationScorer, queueScorer, saturationFilter, scoringPolicy } from "./scoring.js";
import { leastOutstanding, powerOfTwo, roundRobin, sessionAffinity } from "./simple-policies.js";

const c = candidate;
const input = (text = "", over: Partial<RouteInput> = {}): RouteInput => ({
  prefixHashes: blockHashes(text),
  tokens: 100,
  ...over,
});

/** How often each endpoint is picked over `n` picks. */
function shares(n: number, pick: (i: number) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = pick(i);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, k]) => [id, k / n]));
}

describe("policy names, as telemetry reports them", () => {
  it("names each built-in policy", () => {
    expect(
      [
        roundRobin(),
        leastOutstanding(),
        powerOfTwo(),
        sessionAffinity(),
        kvAware(),
        prefixAffinity(),
        kvCost(),
      ].map((p) => p.name),
    ).toEqual([
      "round-robin",
      "least-outstanding",
      "power-of-two",
      "session-affinity",
      "kv-aware",
      "prefix-affinity",
      "kv-cost",
    ]);
    expect([queueScorer().name, kvUtilizationScorer().name, saturationFilter().name]).toEqual([
      "queue",
      "kv",
      "saturation",
    ]);
  });
});

describe("weighted round robin", () => {
  it("spreads a 5:1:1 weighting as nginx's smooth round robin does", () => {
    const policy = roundRobin();
    const pool = [c("a", { weight: 5 }), c("b"), c("c")];
    const picks = Array.from({ length: 7 }, () => policy.pick(pool, input()));
    expect(picks.map((p) => p.endpoint)).toEqual(["a", "a", "b", "a", "c", "a", "a"]);
    expect(picks[0]?.reason).toBe("round-robin");
  });

  it("starts a returning endpoint afresh once forgotten", () => {
    const policy = roundRobin();
    const pool = [c("a"), c("b")];
    expect(policy.pick(pool, input()).endpoint).toBe("a");
    policy.forget?.("a");
    // a's debt from its last pick is gone, but b keeps the credit it built up: b goes next.
    expect(policy.pick(pool, input()).endpoint).toBe("b");
    policy.forget?.("a");
    policy.forget?.("b");
    expect(policy.pick(pool, input()).endpoint).toBe("a");
  });
});

describe("least outstanding and its tie-break", () => {
  it("breaks ties among the least loaded at random, and never picks a busier one", () => {
    const policy = leastOutstanding({ seed: 7 });
    const pool = [c("a"), c("b"), c("busy", { inflight: 1 }), c("c")];
    const seen = shares(300, () => policy.pick(pool, input()).endpoint);
    expect(Object.keys(seen).sort()).toEqual(["a", "b", "c"]);
    for (const share of Object.values(seen)) expect(share).toBeGreaterThan(0.2);
    expect(policy.pick(pool, input()).reason).toBe("least outstanding requests");
  });
});

describe("power of two choices", () => {
  it("sends everything to the only candidate", () => {
    expect(powerOfTwo().pick([c("solo", { inflight: 9 })], input())).toEqual({
      endpoint: "solo",
      reason: "only candidate",
    });
  });

  it("draws by weight, and keeps the first draw when both are equally loaded", () => {
    const policy = powerOfTwo({ seed: 11 });
    const pool = [c("big", { weight: 3 }), c("small")];
    const seen = shares(4000, () => policy.pick(pool, input()).endpoint);
    expect(seen.big).toBeGreaterThan(0.7);
    expect(seen.big).toBeLessThan(0.8);
    expect(policy.pick(pool, input()).reason).toBe("less loaded of two random");
  });

  it("draws two different endpoints, so the least loaded of three is picked often", () => {
    const policy = powerOfTwo({ seed: 5 });
    const pool = [c("a", { inflight: 2 }), c("b", { inflight: 1 }), c("idle")];
    const seen = shares(3000, () => policy.pick(pool, input()).endpoint);
    // Two distinct draws of three: "idle" wins whenever drawn (2/3), "a" never.
    expect(seen.idle).toBeGreaterThan(0.6);
    expect(seen.idle).toBeLessThan(0.73);
    expect(seen.a).toBeUndefined();
  });
});

describe("session affinity", () => {
  it("sends requests without a session to the least outstanding endpoint, and says so", () => {
    const decision = sessionAffinity().pick([c("a", { inflight: 2 }), c("b")], input());
    expect(decision).toMatchObject({ endpoint: "b", reason: "no session id: least outstanding" });
  });

  it("spreads sessions over endpoints in proportion to their weight", () => {
    const policy = sessionAffinity();
    const pool = [c("big", { weight: 3 }), c("small")];
    const seen = shares(4000, (i) => policy.pick(pool, input("", { sessionId: `s${i}` })).endpoint);
    expect(seen.big).toBeGreaterThan(0.7);
    expect(seen.big).toBeLessThan(0.8);
    expect(policy.pick(pool, input("", { sessionId: "s1" })).reason).toBe("session affinity");
  });

  it("spreads sessions evenly over equal endpoints, whatever their load", () => {
    const policy = sessionAffinity();
    const pool = [c("a", { inflight: 5 }), c("b"), c("c")];
    const seen = shares(3000, (i) => policy.pick(pool, input("", { sessionId: `user-${i}` })).endpoint);
    for (const id of ["a", "b", "c"]) {
      expect(seen[id]).toBeGreaterThan(0.28);
      expect(seen[id]).toBeLessThan(0.39);
    }
  });
});

describe("the saturation filter", () => {
  it("keeps endpoints at the thresholds and drops those above, with llm-d's defaults (5 waiting, 80% KV)", () => {
    const kept = saturationFilter()
      .apply(
        [
          c("at-queue", { waiting: 5 }),
          c("over-queue", { waiting: 6 }),
          c("at-kv", { kvUsage: 0.8 }),
          c("over-kv", { kvUsage: 0.81 }),
          c("unscraped"),
        ],
        input(),
      )
      .map((x) => x.id);
    expect(kept).toEqual(["at-queue", "at-kv", "unscraped"]);
  });

  it("takes its thresholds from the options", () => {
    const filter = saturationFilter({ queueThreshold: 1, kvThreshold: 0.5 });
    const kept = filter.apply(
      [c("a", { waiting: 2 }), c("b", { kvUsage: 0.6 }), c("ok", { waiting: 1 })],
      input(),
    );
    expect(kept.map((x) => x.id)).toEqual(["ok"]);
  });

  it("is skipped by a scoring policy when it would keep no endpoint", () => {
    const policy = scoringPolicy({ name: "p", filters: [saturationFilter()], scorers: [queueScorer()] });
    const decision = policy.pick(
      [c("a", { waiting: 9, inflight: 9 }), c("b", { waiting: 7, inflight: 7 })],
      input(),
    );
    expect(decision.endpoint).toBe("b");
  });
});

describe("scoring policies", () => {
  it("adds every scorer's weighted score, reports the totals and picks the highest", () => {
    const policy = scoringPolicy({ name: "custom", scorers: [queueScorer(1), kvUtilizationScorer(3)] });
    const decision = policy.pick(
      [c("a", { inflight: 0, kvUsage: 0.9 }), c("b", { inflight: 4, kvUsage: 0.1 }), c("c", { inflight: 2 })],
      input(),
    );
    expect(decision.reason).toBe("custom");
    expect(decision.scores?.a).toBeCloseTo(1 + 3 * 0.1);
    expect(decision.scores?.b).toBeCloseTo(0 + 3 * 0.9);
    expect(decision.scores?.c).toBeCloseTo(0.5 + 3 * 0.5);
    expect(decision.endpoint).toBe("b");
  });

  it("scores queues between the longest (0) and the shortest (1), linearly", () => {
    const scores = queueScorer().score(
      [c("a", { inflight: 1 }), c("b", { inflight: 4 }), c("c", { inflight: 7 })],
      input(),
    );
    expect(scores).toEqual([1, 0.5, 0]);
  });

  it("breaks a tie at random", () => {
    const policy = scoringPolicy({ name: "tie", scorers: [queueScorer()], seed: 3 });
    const seen = shares(200, () => policy.pick([c("a"), c("b")], input()).endpoint);
    expect(seen.a).toBeGreaterThan(0.3);
    expect(seen.b).toBeGreaterThan(0.3);
  });

  it("passes commit and forget through, and kv-aware takes a seed", () => {
    const committed: string[] = [];
    const policy = scoringPolicy({
      name: "learning",
      scorers: [queueScorer()],
      commit: (endpoint) => void committed.push(`commit ${endpoint}`),
      forget: (endpoint) => void committed.push(`forget ${endpoint}`),
    });
    policy.commit?.("a", input());
    policy.forget?.("a");
    expect(committed).toEqual(["commit a", "forget a"]);
    const pool = [c("a"), c("b"), c("c")];
    const picks = (seed: number) => {
      const p = kvAware({ seed });
      return Array.from({ length: 20 }, () => p.pick(pool, input()).endpoint).join();
    };
    expect(picks(1)).toBe(picks(1));
    expect(picks(1)).not.toBe(picks(2));
  });
});

describe("the prefix index", () => {
  it("counts only the leading blocks an endpoint holds, and forgets an endpoint", () => {
    const index = new PrefixIndex(() => 100);
    index.record("a", [1, 2, 3]);
    expect(index.match("a", [1, 2, 3, 4])).toBe(3);
    expect(index.match("a", [1, 9, 3])).toBe(1);
    expect(index.match("a", [9, 1, 2])).toBe(0);
    expect(index.match("b", [1])).toBe(0);
    expect(index.size("a")).toBe(3);
    index.record("a", [4, 5]);
    expect(index.size("a")).toBe(5);
    expect(index.match("a", [1, 2, 3, 4, 5])).toBe(5);
    index.forget("a");
    expect(index.size("a")).toBe(0);
    expect(index.match("a", [1])).toBe(0);
  });

  it("holds what the endpoint's cache holds, oldest out first", () => {
    const index = new PrefixIndex(() => 3);
    index.record("a", [1, 2, 3]);
    index.record("a", [7, 8]);
    expect(index.size("a")).toBe(3);
    expect(index.match("a", [7, 8])).toBe(2);
    expect(index.match("a", [1])).toBe(1);
    expect(index.match("a", [1, 2])).toBe(1);
  });

  it("ages a prompt out tail first, as vLLM frees a sequence's blocks, so its head matches longest", () => {
    const index = new PrefixIndex(() => 2);
    index.record("a", [1, 2, 3]);
    expect(index.size("a")).toBe(2);
    expect(index.match("a", [1, 2, 3])).toBe(2);
    expect(index.match("a", [3])).toBe(0);
  });
});

describe("kv-cost", () => {
  const prompt = "x".repeat(64 * 8);

  it("prefers the endpoint holding the prompt's prefix, and says how much of it matched", () => {
    const policy = kvCost();
    const pool = [c("warm"), c("cold")];
    policy.commit?.("warm", input(prompt, { tokens: 200 }));
    const decision = policy.pick(pool, input(prompt, { tokens: 200 }));
    expect(decision).toMatchObject({
      endpoint: "warm",
      prefixMatch: 1,
      reason: "lowest KV cost, prefix match 100%",
    });
    expect(decision.scores?.warm).toBeGreaterThan(decision.scores?.cold ?? Number.POSITIVE_INFINITY);
    const half = policy.pick(pool, input(prompt + "y".repeat(64 * 8), { tokens: 200 }));
    expect(half).toMatchObject({ endpoint: "warm", reason: "lowest KV cost, prefix match 50%" });
    policy.forget?.("warm");
    expect(policy.pick([c("warm")], input(prompt, { tokens: 200 })).reason).toBe(
      "lowest KV cost, no cached prefix",
    );
  });

  it("costs each endpoint its uncached prompt blocks plus its blocks in flight per unit of weight", () => {
    const policy = kvCost({ blockSize: 10 });
    const decision = policy.pick(
      [c("a", { inflightTokens: 100 }), c("b", { inflightTokens: 300, weight: 4 })],
      input("", { tokens: 250, outputTokens: 50 }),
    );
    // a: 200 prompt tokens / 10 + 100 / 10 = 30; b, four times the capacity: (20 + 30) / 4 = 12.5.
    expect(decision.scores).toEqual({ a: -30, b: -12.5 });
    expect(decision.endpoint).toBe("b");
  });

  it("adds the uncached tokens still queued for prefill there (Dynamo's active prefill tokens) until their first token", () => {
    const policy = kvCost({ blockSize: 10, overlapWeight: 2 });
    const cold = input("q".repeat(64 * 4), { tokens: 250, outputTokens: 50 });
    // a was sent a 200-token cold prompt, then its 100-token repeat, which hit the prefix.
    policy.commit?.("a", cold);
    policy.commit?.("a", { ...cold, tokens: 150 });
    const probe = input("", { tokens: 60, outputTokens: 10 });
    // Both still before their first token: 2 × (200 + 0 + 50) / 10 = 50 for a, 2 × 50 / 10 = 10 for b.
    const both = policy.pick([c("a", { prefilling: 2 }), c("b")], probe);
    expect(both.scores).toEqual({ a: -50, b: -10 });
    // The older one had its first token: only the newest (fully cached, 0 tokens) is still queued.
    expect(policy.pick([c("a", { prefilling: 1 }), c("b")], probe).scores).toEqual({ a: -10, b: -10 });
    // Without a prefilling count, requests in flight stand in for it.
    expect(policy.pick([c("a", { inflight: 2 }), c("b")], probe).scores?.a).toBe(-50);
    policy.forget?.("a");
    expect(policy.pick([c("a", { prefilling: 2 }), c("b")], probe).scores?.a).toBe(-10);
  });

  it("breaks a tie in cost at random", () => {
    const policy = kvCost({ seed: 9 });
    const seen = shares(200, () => policy.pick([c("a"), c("b")], input("", { tokens: 10 })).endpoint);
    expect(seen.a).toBeGreaterThan(0.3);
    expect(seen.b).toBeGreaterThan(0.3);
  });
});
