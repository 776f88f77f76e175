import { type Candidate, queueOf, type RouteInput, type RoutingPolicy, seededRandom } from "./candidate.js";

/** Scores every candidate in [0, 1]; higher is better. */
export interface Scorer {
  readonly name: string;
  readonly weight: number;
  score(candidates: readonly Candidate[], input: RouteInput): number[];
}

/** Keeps the candidates fit for this request; a filter that would keep none is skipped (fails open). */
export interface Filter {
  readonly name: string;
  apply(candidates: readonly Candidate[], input: RouteInput): Candidate[];
}

/**
 * The llm-d queue scorer on the client's view of the waiting queue (`queueOf`):
 * `(max − queue)/(max − min)`, 1 for all when queues are equal.
 */
export function queueScorer(weight = 2): Scorer {
  return {
    name: "queue",
    weight,
    score(candidates) {
      const loads = candidates.map(queueOf);
      const max = Math.max(...loads);
      const min = Math.min(...loads);
      return loads.map((l) => (max === min ? 1 : (max - l) / (max - min)));
    },
  };
}

/** The llm-d KV-cache utilization scorer: `1 − usage`; 0.5 where usage is unknown or stale. */
export function kvUtilizationScorer(weight = 2): Scorer {
  return {
    name: "kv",
    weight,
    score: (candidates) => candidates.map((c) => (c.kvUsage === undefined ? 0.5 : 1 - c.kvUsage)),
  };
}

/**
 * Drops saturated endpoints (the llm-d utilization detector): scraped waiting queue above
 * `queueThreshold` or KV usage above `kvThreshold`. Endpoints whose scrape is stale are judged by
 * the in-flight count alone and kept. Defaults: 5 and 0.8 (llm-d).
 */
export function saturationFilter(options: { queueThreshold?: number; kvThreshold?: number } = {}): Filter {
  const queue = options.queueThreshold ?? 5;
  const kv = options.kvThreshold ?? 0.8;
  return {
    name: "saturation",
    apply: (candidates) => candidates.filter((c) => (c.waiting ?? 0) <= queue && (c.kvUsage ?? 0) <= kv),
  };
}

/** Options of `scoringPolicy`. */
export interface ScoringPolicyOptions {
  name: string;
  filters?: Filter[];
  scorers: Scorer[];
  /** Seed of the tie-breaking random picks. Default 1. */
  seed?: number;
  commit?: RoutingPolicy["commit"];
  forget?: RoutingPolicy["forget"];
}

/**
 * A policy made of filters, weighted scorers and a max-score picker (ties at random), the shape
 * of llm-d's scheduling profiles. Filters that would remove every candidate are skipped.
 */
export function scoringPolicy(options: ScoringPolicyOptions): RoutingPolicy {
  const random = seededRandom(options.seed ?? 1);
  return {
    name: options.name,
    pick(candidates, input) {
      let pool: readonly Candidate[] = candidates;
      for (const filter of options.filters ?? []) {
        const kept = filter.apply(pool, input);
        if (kept.length > 0) pool = kept;
      }
      const totals = new Array<number>(pool.length).fill(0);
      for (const scorer of options.scorers) {
        const scores = scorer.score(pool, input);
        for (let i = 0; i < pool.length; i++) totals[i]! += scorer.weight * scores[i]!;
      }
      return pickMax(pool, totals, random, options.name);
    },
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.forget ? { forget: options.forget } : {}),
  };
}

/** The highest total, ties at random; reports every candidate's total. */
export function pickMax(pool: readonly Candidate[], totals: number[], random: () => number, reason: string) {
  const max = Math.max(...totals);
  const best = pool.filter((_, i) => totals[i]! >= max - 1e-9);
  const chosen = best[Math.floor(random() * best.length)]!;
  const scores: Record<string, number> = {};
  pool.forEach((c, i) => {
    scores[c.id] = totals[i]!;
  });
  return { endpoint: chosen.id, reason, scores };
}

/** KV-cache-aware routing: saturation filter, then queue (weight 2) and KV utilization (weight 2) scores. */
export function kvAware(options: { seed?: number } = {}): RoutingPolicy {
  return scoringPolicy({
    name: "kv-aware",
    filters: [saturationFilter()],
    scorers: [queueScorer(2), kvUtilizationScorer(2)],
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}
