import type { Candidate } from "../candidate.js";

/** A routing candidate with nothing scraped yet (stale, no queue or KV figures), as a fleet hands one to a policy before its first scrape; `over` sets what a test needs. */
export function candidate(id: string, over: Partial<Candidate> = {}): Candidate {
  return {
    id,
    weight: 1,
    inflight: 0,
    inflightTokens: 0,
    waiting: undefined,
    kvUsage: undefined,
    stale: true,
    adapters: new Set(),
    ...over,
  };
}

/** A candidate whose scrape just came back idle: fresh, nothing waiting or prefilling, empty KV cache. */
export function scrapedCandidate(id: string, over: Partial<Candidate> = {}): Candidate {
  return candidate(id, { prefilling: 0, waiting: 0, kvUsage: 0, stale: false, ...over });
}
