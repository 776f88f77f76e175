import { type Candidate, type RouteInput, type RoutingPolicy, seededRandom } from "./candidate.js";
import { PrefillLedger } from "./prefill-ledger.js";
import { PrefixIndex } from "./prefix-index.js";

/** Options of `kvCost`. */
export interface KvCostOptions {
  /** Blocks of 64 characters each endpoint's cache holds; default 27,000 (an H100 with an 8B model). */
  cacheBlocks?: (endpoint: string) => number;
  /** Weight of the prefill blocks against the endpoint's active blocks. Default 1 (Dynamo's `--kv-overlap-score-weight`). */
  overlapWeight?: number;
  /** Tokens per KV block. Default 16. */
  blockSize?: number;
  seed?: number;
}

/**
 * NVIDIA Dynamo's KV router cost (notes §1.5) on the client's own view: for each endpoint,
 * `overlapWeight × prefill blocks + decode blocks`. Prefill blocks are the prompt tokens the
 * endpoint would have to prefill if it took the request, over the block size: the request's
 * prompt tokens it is not believed to hold (from an approximate index of routed prompts, as
 * Dynamo's `ApproxKvIndexer` does without KV events) plus the uncached tokens of the requests
 * already sent there and still waiting for their first token (Dynamo's active prefill tokens, kept
 * by a `PrefillLedger`). Decode blocks are the blocks of the requests in flight there (prompt plus
 * reserved output, counted by this client at send and release). The lowest cost wins; ties at
 * random. A cached prefix lowers the cost only where it is cached while the load it attracts
 * raises it, so a hot prefix spills over by itself.
 */
export function kvCost(options: KvCostOptions = {}): RoutingPolicy & { readonly index: PrefixIndex } {
  const index = new PrefixIndex(options.cacheBlocks ?? (() => 27_000));
  const ledger = new PrefillLedger();
  const random = seededRandom(options.seed ?? 1);
  const weight = options.overlapWeight ?? 1;
  const blockSize = options.blockSize ?? 16;
  /** Share of the prompt the endpoint is believed to hold, and the prompt tokens it would still prefill. */
  const overlap = (endpoint: string, input: RouteInput) => {
    const total = input.prefixHashes.length;
    const match = total > 0 ? index.match(endpoint, input.prefixHashes) / total : 0;
    // The prompt's share of the request's tokens (the rest is reserved output).
    const promptTokens = Math.max(0, input.tokens - (input.outputTokens ?? 0));
    return { match, uncached: promptTokens * (1 - match) };
  };
  return {
    name: "kv-cost",
    index,
    pick(candidates, input) {
      let best: Candidate[] = [];
      let bestCost = Infinity;
      const scores: Record<string, number> = {};
      for (const c of candidates) {
        const queued = ledger.pending(c.id, c.prefilling ?? c.inflight);
        const prefill = (queued + overlap(c.id, input).uncached) / blockSize / c.weight;
        const decode = c.inflightTokens / blockSize / c.weight;
        const cost = weight * prefill + decode;
        scores[c.id] = -cost;
        if (cost < bestCost - 1e-9) {
          bestCost = cost;
          best = [c];
        } else if (Math.abs(cost - bestCost) <= 1e-9) best.push(c);
      }
      const chosen = best[Math.floor(random() * best.length)]!;
      const { match } = overlap(chosen.id, input);
      return {
        endpoint: chosen.id,
        reason:
          match > 0
            ? `lowest KV cost, prefix match ${(match * 100).toFixed(0)}%`
            : "lowest KV cost, no cached prefix",
        scores,
        prefixMatch: match,
      };
    },
    commit(endpoint, input) {
      // What this request will prefill there, judged before it is recorded in the index.
      ledger.record(endpoint, overlap(endpoint, input).uncached);
      index.record(endpoint, input.prefixHashes);
    },
    forget(endpoint) {
      index.forget(endpoint);
      ledger.forget(endpoint);
    },
  };
}
