import { describe, expect, it } from "vitest";
import { blockHashes } from "../block-hash.js";
import { scrapedCandidate } from "./__fixtures__/candidates.js";
import type { RouteInput } from "./candidate.js";
import { prefixAffinity } from "./prefix-affinity.js";

const c = scrapedCandidate;
const block = (ch: string) => ch.repeat(64);
/** A prompt of `shared` blocks of the tenant's system prompt followed by `own` blocks of its own. */
const prompt = (shared: number, own: string, ownBlocks: number): RouteInput => ({
  prefixHashes: blockHashes(block("s").repeat(shared) + block(own).repeat(ownBlocks)),
  tokens: 200,
});

describe("prefix affinity's stickiness (SGLang's cache threshold)", () => {
  // The case the bench's trace showed spilling: the holder is busier, with a prefill queued and
  // a fuller cache, and 80% of the prompt cached; the idle replica would prefill all of it.
  const holderBusy = [
    c("holder", { inflight: 8, prefilling: 1, waiting: 1, kvUsage: 0.27 }),
    c("idle", { inflight: 2, kvUsage: 0.05 }),
  ];

  it("keeps a request on the replica holding most of its prompt, though another is idler", () => {
    const policy = prefixAffinity();
    policy.commit!("holder", prompt(8, "a", 2));
    const decision = policy.pick(holderBusy, prompt(8, "b", 2));
    expect(decision).toMatchObject({ endpoint: "holder", prefixMatch: 0.8, reason: "prefix match 80%" });
  });

  it("leaves the choice to llm-d's weighted scores when the threshold is 1 or more", () => {
    const policy = prefixAffinity({ cacheThreshold: 1 });
    policy.commit!("holder", prompt(8, "a", 2));
    // holder: 3 × 0.8 + 2 × 0 + 2 × 0.73 = 3.86; idle: 0 + 2 × 1 + 2 × 0.95 = 3.9.
    const decision = policy.pick(holderBusy, prompt(8, "b", 2));
    expect(decision.endpoint).toBe("idle");
    expect(decision.scores?.holder).toBeCloseTo(3.86);
  });

  it("is not sticky for a prompt sharing no more than the threshold", () => {
    const policy = prefixAffinity();
    policy.commit!("holder", prompt(3, "a", 7));
    expect(policy.pick(holderBusy, prompt(3, "b", 7))).toMatchObject({ endpoint: "idle", prefixMatch: 0 });
  });

  it("spills a hot prefix when its replica saturates, then keeps it on both replicas and off the third", () => {
    const policy = prefixAffinity({ seed: 4 });
    const hot = (i: number) => prompt(8, String.fromCharCode(97 + (i % 26)), 2);
    policy.commit!("a", hot(0));
    // a's queue is past llm-d's saturation threshold (5): the request goes elsewhere.
    const spill = policy.pick([c("a", { waiting: 6, prefilling: 6 }), c("b"), c("c")], hot(1));
    expect(spill.endpoint).not.toBe("a");
    policy.commit!(spill.endpoint, hot(1));
    const second = spill.endpoint;
    const third = second === "b" ? "c" : "b";
    // Now both a and the second replica hold it; the queue decides between them, and the third
    // replica gets none of it, though on the weighted scores alone it would win (2 + 2 against
    // 3 × 0.8 + 1 + 0.4 for the less busy holder).
    const seen = new Set<string>();
    for (let i = 2; i < 12; i++) {
      const busyA = i % 2 === 0;
      const pool = [
        c("a", { prefilling: busyA ? 2 : 1, waiting: busyA ? 2 : 1, kvUsage: 0.8 }),
        c(second, { prefilling: busyA ? 1 : 2, waiting: busyA ? 1 : 2, kvUsage: 0.8 }),
        c(third),
      ];
      const d = policy.pick(pool, hot(i));
      expect(d.endpoint).toBe(busyA ? second : "a");
      expect(Object.keys(d.scores ?? {}).sort()).toEqual(["a", second].sort());
      seen.add(d.endpoint);
      policy.commit!(d.endpoint, hot(i));
    }
    expect([...seen].sort()).toEqual(["a", second].sort());
  });

  it("is not sticky to a replica far busier than the least busy (SGLang's 64 and 1.5 by default)", () => {
    const policy = prefixAffinity();
    policy.commit!("holder", prompt(8, "a", 2));
    const far = [c("holder", { inflight: 70 }), c("idle", { inflight: 5 })];
    expect(policy.pick(far, prompt(8, "b", 2)).endpoint).toBe("idle");
    const near = [c("holder", { inflight: 60 }), c("idle", { inflight: 5 })];
    expect(policy.pick(near, prompt(8, "b", 2)).endpoint).toBe("holder");
  });
});
