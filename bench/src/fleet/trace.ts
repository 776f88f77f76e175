// Routing trace for the fleet bench (written next to the outcomes when FLEET_BENCH_DUMP is set):
// for every pick, what the policy saw of each replica, what its prefix index believed cached
// there, and what the replica's engine really held at that instant. `tail.ts` reads it to say
// why the slow requests were slow.
import type { RoutingPolicy } from "@keel/gpu-client";
import type { SimReplica } from "@keel/gpu-client/simulator";

export interface PickTrace {
  /** Index of the request in arrival order (the run's `i` when the pick happened). */
  request: number;
  endpoint: string;
  reason: string;
  candidates: {
    id: string;
    inflight: number;
    prefilling?: number;
    waiting?: number;
    kvUsage?: number;
    /** Share of the prompt the policy's index believed the replica held (policies with an index). */
    believed?: number;
    /** Share of the prompt the replica's KV cache held. */
    held: number;
    score?: number;
  }[];
}

/**
 * Wraps `policy` so that each pick is recorded for the request `current()` names; `replicas` are
 * the engines behind the endpoint ids `replica-<n>`.
 */
export function tracePicks(
  policy: RoutingPolicy & { index?: { match(endpoint: string, hashes: readonly number[]): number } },
  replicas: () => readonly SimReplica[],
  current: () => number,
): { policy: RoutingPolicy; picks: PickTrace[] } {
  const picks: PickTrace[] = [];
  const wrapped: RoutingPolicy = {
    name: policy.name,
    pick(candidates, input) {
      const decision = policy.pick(candidates, input);
      const total = Math.max(1, input.prefixHashes.length);
      picks.push({
        request: current(),
        endpoint: decision.endpoint,
        reason: decision.reason,
        candidates: candidates.map((c) => {
          const engine = replicas()[Number(c.id.split("-").pop())]?.engine;
          return {
            id: c.id,
            inflight: c.inflight,
            ...(c.prefilling !== undefined ? { prefilling: c.prefilling } : {}),
            ...(c.waiting !== undefined ? { waiting: c.waiting } : {}),
            ...(c.kvUsage !== undefined ? { kvUsage: c.kvUsage } : {}),
            ...(policy.index ? { believed: policy.index.match(c.id, input.prefixHashes) / total } : {}),
            held: engine ? engine.pool.cachedPrefix(input.prefixHashes) / total : 0,
            ...(decision.scores?.[c.id] !== undefined ? { score: decision.scores[c.id] } : {}),
          };
        }),
      });
      return decision;
    },
    ...(policy.commit ? { commit: policy.commit.bind(policy) } : {}),
    ...(policy.forget ? { forget: policy.forget.bind(policy) } : {}),
  };
  return { policy: wrapped, picks };
}
