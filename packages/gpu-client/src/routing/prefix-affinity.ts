import { type Candidate, loadOf, type RoutingPolicy, seededRandom } from "./candidate.js";
import { PrefixIndex } from "./prefix-index.js";
import { kvUtilizationScorer, pickMax, queueScorer, saturationFilter } from "./scoring.js";

/** Options of `prefixAffinity`. */
export interface PrefixAffinityOptions {
  /** Blocks of 64 characters each endpoint's cache holds (its `num_gpu_blocks`); default 27,000 (an H100 with an 8B model). */
  cacheBlocks?: (endpoint: string) => number;
  /** Weights of the prefix, queue and KV scores. Default 3, 2, 2 (llm-d's default profile). */
  weights?: { prefix?: number; queue?: number; kv?: number };
  /**
   * The load gate, SGLang's imbalance test on per-weight load: an endpoint more than
   * `balanceAbs` requests and `balanceRel` times above the least loaded one loses its prefix
   * score, so one hot prefix spills to other replicas instead of piling onto one. Defaults 8 and
   * 1.5 (SGLang's relative threshold; its absolute 64 is for routers with hundreds of requests
   * per worker).
   */
  balanceAbs?: number;
  balanceRel?: number;
  seed?: number;
}

/**
 * Prefix-cache affinity gated by load: each endpoint's share of the prompt's leading blocks it
 * is believed to hold (from an approximate per-endpoint index of routed prompts) scores with
 * the queue and KV scores; saturated endpoints are filtered out first (failing open), and the
 * load gate takes the prefix score from endpoints far busier than the least busy one.
 */
export function prefixAffinity(
  options: PrefixAffinityOptions = {},
): RoutingPolicy & { readonly index: PrefixIndex } {
  const index = new PrefixIndex(options.cacheBlocks ?? (() => 27_000));
  const random = seededRandom(options.seed ?? 1);
  const wPrefix = options.weights?.prefix ?? 3;
  const queue = queueScorer(options.weights?.queue ?? 2);
  const kv = kvUtilizationScorer(options.weights?.kv ?? 2);
  const saturation = saturationFilter();
  const abs = options.balanceAbs ?? 8;
  const rel = options.balanceRel ?? 1.5;
  return {
    name: "prefix-affinity",
    index,
    pick(candidates, input) {
      const kept = saturation.apply(candidates, input);
      const pool: readonly Candidate[] = kept.length > 0 ? kept : candidates;
      const loads = pool.map(loadOf);
      const minLoad = Math.min(...loads);
      const total = input.prefixHashes.length;
      const q = queue.score(pool, input);
      const k = kv.score(pool, input);
      const matches = pool.map((c) => (total > 0 ? index.match(c.id, input.prefixHashes) / total : 0));
      const totals = pool.map((_, i) => {
        const gated = loads[i]! - minLoad > abs && loads[i]! > rel * minLoad;
        return (gated ? 0 : wPrefix * matches[i]!) + queue.weight * q[i]! + kv.weight * k[i]!;
      });
      const decision = pickMax(pool, totals, random, "prefix-affinity");
      const chosen = pool.findIndex((c) => c.id === decision.endpoint);
      const match = matches[chosen]!;
      return {
        ...decision,
        prefixMatch: match,
        reason: match > 0 ? `prefix match ${(match * 100).toFixed(0)}%` : "no cached prefix: least loaded",
      };
    },
    commit(endpoint, input) {
      index.record(endpoint, input.prefixHashes);
    },
    forget(endpoint) {
      index.forget(endpoint);
    },
  };
}
