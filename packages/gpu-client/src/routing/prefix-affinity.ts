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
   * Stickiness, SGLang's `cache_threshold`: when some endpoints are believed to hold more than
   * this share of the prompt, only they compete (the scores pick among them), as llm-d's
   * prefix-cache affinity filter does. Default 0.3 (SGLang's). Set it to 1 or more to let the
   * weighted scores alone decide (llm-d's default profile).
   */
  cacheThreshold?: number;
  /**
   * The load gate, SGLang's imbalance test on per-weight load: an endpoint more than
   * `balanceAbs` requests and `balanceRel` times above the least loaded one is not sticky and
   * loses its prefix score. Defaults 64 and 1.5 (SGLang's).
   */
  balanceAbs?: number;
  balanceRel?: number;
  seed?: number;
}

/**
 * Prefix-cache affinity gated by load. Saturated endpoints are filtered out first (llm-d's
 * utilization filter, failing open). Of the rest, those believed to hold more than
 * `cacheThreshold` of the prompt's leading blocks (from an approximate per-endpoint index of
 * routed prompts) and not far busier than the least busy one (the load gate) are kept, when
 * there are any. The survivors are scored by prefix match, queue and KV usage.
 *
 * Why sticky: a request sent away from the replica holding its prefix pays a cold prefill of the
 * whole prefix (for a 2,000-token system prompt about 100 ms on an H100 with an 8B model) to
 * save a wait behind a prefill or two there, and it copies the prefix into a second cache, where
 * it evicts other prefixes. A hot prefix still spills when its replica saturates; the replica
 * that takes the spill then holds the prefix too, and both keep it and share its traffic.
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
  const threshold = options.cacheThreshold ?? 0.3;
  const abs = options.balanceAbs ?? 64;
  const rel = options.balanceRel ?? 1.5;
  return {
    name: "prefix-affinity",
    index,
    pick(candidates, input) {
      const kept = saturation.apply(candidates, input);
      const unsaturated: readonly Candidate[] = kept.length > 0 ? kept : candidates;
      const total = input.prefixHashes.length;
      const matchOf = (c: Candidate) => (total > 0 ? index.match(c.id, input.prefixHashes) / total : 0);
      const minLoad = Math.min(...unsaturated.map(loadOf));
      const gated = (c: Candidate) => loadOf(c) - minLoad > abs && loadOf(c) > rel * minLoad;
      const sticky = unsaturated.filter((c) => !gated(c) && matchOf(c) > threshold);
      const pool = sticky.length > 0 ? sticky : unsaturated;
      const q = queue.score(pool, input);
      const k = kv.score(pool, input);
      const matches = pool.map(matchOf);
      const totals = pool.map(
        (c, i) => (gated(c) ? 0 : wPrefix * matches[i]!) + queue.weight * q[i]! + kv.weight * k[i]!,
      );
      const decision = pickMax(pool, totals, random, "prefix-affinity");
      const match = matches[pool.findIndex((c) => c.id === decision.endpoint)]!;
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
