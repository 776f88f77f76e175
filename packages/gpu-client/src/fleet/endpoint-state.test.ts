import { describe, expect, it } from "vitest";
import { kvAware, saturationFilter } from "../routing/scoring.js";
import { endpointModel } from "../wire/endpoint-model.js";
import { EndpointState } from "./endpoint-state.js";

const CAPACITY = 10_000;

/** An endpoint with `kvTokens` of KV capacity configured (null: none configured). */
function state(id: string, kvTokens: number | null = CAPACITY): EndpointState {
  const model = endpointModel({ id, url: "http://127.0.0.1:9", kind: "vllm", model: "m" });
  return new EndpointState(model, model, 1, 1000, kvTokens ?? undefined);
}

/** What the fleet does when it sends a request of `tokens` to an endpoint. */
function send(s: EndpointState, tokens: number): void {
  s.inflight++;
  s.inflightTokens += tokens;
  s.prefilling++;
}

describe("EndpointState: scraped load adjusted by the client's own traffic since the scrape", () => {
  it("adds the requests sent since the scrape to the scraped queue and their tokens to the KV usage", () => {
    const s = state("a");
    s.scraped({ waiting: 2, kvUsage: 0.5 }, 0);
    send(s, 1000);
    send(s, 1000);
    send(s, 1000);
    const c = s.candidate(500, 3000);
    expect(c.waiting).toBe(5);
    expect(c.kvUsage).toBeCloseTo(0.8, 10);
    expect(c.stale).toBe(false);
  });

  it("takes off what finished since the scrape, never below zero", () => {
    const s = state("a");
    send(s, 2000);
    send(s, 2000);
    s.scraped({ waiting: 1, kvUsage: 0.4 }, 0);
    // Both get their first token, then both end: 4,000 tokens released.
    s.prefilling -= 2;
    s.inflight -= 2;
    s.inflightTokens -= 4000;
    const c = s.candidate(100, 3000);
    expect(c.waiting).toBe(0);
    expect(c.kvUsage).toBe(0);
    // One of them only: 0.4 − 0.2.
    s.inflightTokens += 2000;
    expect(s.candidate(100, 3000).kvUsage).toBeCloseTo(0.2, 10);
  });

  it("clamps the KV usage at 1 and restarts the count from each new scrape", () => {
    const s = state("a");
    s.scraped({ waiting: 0, kvUsage: 0.9 }, 0);
    send(s, 5000);
    expect(s.candidate(10, 3000)).toMatchObject({ waiting: 1, kvUsage: 1 });
    // The next scrape already holds that request: it is not counted twice.
    s.scraped({ waiting: 1, kvUsage: 0.95 }, 1000);
    expect(s.candidate(1010, 3000)).toMatchObject({ waiting: 1, kvUsage: 0.95 });
  });

  it("leaves the KV usage as scraped when the capacity is unknown, and drops both when the scrape is stale", () => {
    const unknown = state("a", null);
    unknown.scraped({ waiting: 0, kvUsage: 0.3 }, 0);
    send(unknown, 5000);
    expect(unknown.candidate(10, 3000)).toMatchObject({ waiting: 1, kvUsage: 0.3 });
    expect(unknown.candidate(5000, 3000)).toMatchObject({
      waiting: undefined,
      kvUsage: undefined,
      stale: true,
    });
  });

  it("uses the scraped KV capacity (cache_config_info) when none is configured", () => {
    const s = state("a", null);
    s.scraped({ kvUsage: 0.25, numGpuBlocks: 1000, blockSize: 16 }, 0);
    send(s, 4000);
    expect(s.candidate(10, 3000).kvUsage).toBeCloseTo(0.5, 10);
  });

  it("keeps the saturation filter from herding between scrapes: a replica that filled since is dropped, one that drained is back", () => {
    const filling = state("filling");
    const draining = state("draining");
    filling.scraped({ waiting: 0, kvUsage: 0.5 }, 0);
    send(draining, 5000);
    draining.scraped({ waiting: 0, kvUsage: 0.9 }, 0);
    // Since the scrape: 4,000 tokens sent to the replica that looked free; the full one finished its request.
    send(filling, 4000);
    draining.prefilling--;
    draining.inflight--;
    draining.inflightTokens -= 5000;
    const kept = saturationFilter().apply([filling.candidate(500, 3000), draining.candidate(500, 3000)], {
      prefixHashes: [],
      tokens: 1000,
    });
    expect(kept.map((c) => c.id)).toEqual(["draining"]);
  });

  it("spreads a burst between scrapes under kv-aware routing instead of sending it all to the replica that looked free", () => {
    const states = ["r0", "r1", "r2"].map((id) => state(id));
    // At the scrape r0 looked free and the others past the saturation threshold (0.8).
    states[0]!.scraped({ waiting: 0, kvUsage: 0.1 }, 0);
    states[1]!.scraped({ waiting: 0, kvUsage: 0.85 }, 0);
    states[2]!.scraped({ waiting: 0, kvUsage: 0.85 }, 0);
    const policy = kvAware({ seed: 3 });
    const counts: Record<string, number> = { r0: 0, r1: 0, r2: 0 };
    // A burst of 12 requests of 1,000 tokens before the next scrape, none finishing.
    for (let i = 0; i < 12; i++) {
      const pick = policy.pick(
        states.map((s) => s.candidate(10 * i, 3000)),
        { prefixHashes: [], tokens: 1000 },
      );
      counts[pick.endpoint]!++;
      send(states.find((s) => s.id === pick.endpoint)!, 1000);
    }
    // On the scrape alone r0 is the only unsaturated replica and takes all 12. Counting what was
    // sent since, r0's queue passes the filter's 5 after 6 requests (its KV is then 0.7); every
    // replica is saturated, the filter fails open and the queue score sends the rest to r1 and r2.
    expect(counts.r0).toBe(6);
    expect(counts.r1! + counts.r2!).toBe(6);
    for (const s of states) expect(s.candidate(200, 3000).kvUsage!).toBeLessThanOrEqual(1);
  });
});
