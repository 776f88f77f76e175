/** What a routing policy sees of one endpoint at the moment of a pick. */
export interface Candidate {
  readonly id: string;
  /** Relative capacity (a bigger GPU gets more); default 1. */
  readonly weight: number;
  /** Requests this client has sent and not seen finish (updated at send, not at scrape). */
  readonly inflight: number;
  /** Prompt plus output tokens this client has reserved on the endpoint. */
  readonly inflightTokens: number;
  /**
   * Requests this client has sent that have not had their first token yet: the client's own,
   * always fresh, count of the endpoint's prefill queue (updated at send and at first token).
   */
  readonly prefilling?: number;
  /**
   * Scraped waiting queue, when the scrape is fresh, plus the requests this client sent since
   * that scrape and has not seen a first token for (never below 0).
   */
  readonly waiting: number | undefined;
  /**
   * Scraped KV-cache usage (0–1), when the scrape is fresh and the engine reports it, moved by the
   * tokens this client reserved minus those it released since that scrape over the endpoint's KV
   * capacity (as scraped when the capacity is unknown), clamped to 0–1.
   */
  readonly kvUsage: number | undefined;
  /** True when the endpoint's metrics are older than the staleness limit (or were never scraped). */
  readonly stale: boolean;
  /** LoRA adapters loaded on the endpoint. */
  readonly adapters: ReadonlySet<string>;
}

/** What a policy knows about the request being routed. */
export interface RouteInput {
  /** Chained hashes of the prompt's 64-character blocks (see `blockHashes`). */
  readonly prefixHashes: readonly number[];
  /** Estimated prompt plus output tokens. */
  readonly tokens: number;
  /** The output tokens reserved (the request's max output), included in `tokens`. */
  readonly outputTokens?: number;
  readonly sessionId?: string;
  readonly adapter?: string;
}

/** A policy's choice and why it made it (for telemetry). */
export interface RouteDecision {
  readonly endpoint: string;
  readonly reason: string;
  /** Each candidate's total score, for scoring policies. */
  readonly scores?: Readonly<Record<string, number>>;
  /** Share of the prompt's blocks the chosen endpoint is believed to hold. */
  readonly prefixMatch?: number;
}

/** Chooses an endpoint among candidates; `commit` learns from the choice once the endpoint took the request. */
export interface RoutingPolicy {
  readonly name: string;
  pick(candidates: readonly Candidate[], input: RouteInput): RouteDecision;
  commit?(endpoint: string, input: RouteInput): void;
  /** Forgets what the policy learnt about an endpoint (its cache was lost: a crash or restart). */
  forget?(endpoint: string): void;
}

/** Load per unit of capacity: the client's in-flight count plus the scraped waiting queue when fresh. */
export function loadOf(c: Candidate): number {
  return (c.inflight + (c.waiting ?? 0)) / c.weight;
}

/**
 * The endpoint's waiting queue, per unit of capacity: requests not yet past their first token as
 * this client counts them, or the scraped waiting queue when fresh and larger (it also holds other
 * clients' requests). This is what vLLM's `num_requests_waiting` measures, without a scrape's lag.
 */
export function queueOf(c: Candidate): number {
  return Math.max(c.prefilling ?? c.inflight, c.waiting ?? 0) / c.weight;
}

/** A seeded uniform random number generator in [0, 1) (mulberry32), for reproducible picks. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
