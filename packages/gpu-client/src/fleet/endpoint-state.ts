import type { LoadSignals } from "../metrics/load-signals.js";
import type { Candidate } from "../routing/candidate.js";
import type { EndpointModel } from "../wire/endpoint-model.js";

/** Where an endpoint stands in the rotation. */
export type EndpointHealth = "unknown" | "healthy" | "ejected";

/** The client's running view of one endpoint: health, load it sent, last scrape, adapters. */
export class EndpointState {
  readonly id: string;
  readonly weight: number;
  /** The endpoint's model, behind its own circuit breaker. */
  readonly model: EndpointModel;
  /** The endpoint's model with no breaker (health probes, adapter loads). */
  readonly raw: EndpointModel;
  health: EndpointHealth = "unknown";
  /** When an ejected endpoint may be probed again (ms, `now()` clock). */
  readmitAt = 0;
  /** How long the next ejection lasts; doubles on each ejection, reset once healthy for a while. */
  ejectMs: number;
  ejectedAt = 0;
  healthySince = 0;
  /** Consecutive failures of requests (5xx), for passive ejection. */
  failures = 0;
  inflight = 0;
  inflightTokens = 0;
  /** Requests sent here that have not had their first token yet. */
  prefilling = 0;
  signals: LoadSignals | undefined;
  scrapedAt = -Infinity;
  /** Prefix-cache hit rate over the last scrape interval. */
  prefixHitRate: number | undefined;
  adapters = new Set<string>();
  /** Avoid until then (ms): the server said it is full (Retry-After). */
  backoffUntil = 0;
  /** KV capacity in tokens, configured or from `cache_config_info`; undefined when unknown. */
  configuredKvTokens: number | undefined;

  constructor(
    model: EndpointModel,
    raw: EndpointModel,
    weight: number,
    baseEjectMs: number,
    kvTokens: number | undefined,
  ) {
    this.id = model.id;
    this.model = model;
    this.raw = raw;
    this.weight = weight;
    this.ejectMs = baseEjectMs;
    this.configuredKvTokens = kvTokens;
  }

  /** KV capacity in tokens: configured, else scraped; undefined when neither says. */
  get kvTokens(): number | undefined {
    if (this.configuredKvTokens !== undefined) return this.configuredKvTokens;
    const s = this.signals;
    return s?.numGpuBlocks !== undefined && s.blockSize !== undefined
      ? s.numGpuBlocks * s.blockSize
      : undefined;
  }

  /** The routing view of this endpoint at time `now`. */
  candidate(now: number, stalenessMs: number): Candidate {
    const fresh = now - this.scrapedAt <= stalenessMs;
    return {
      id: this.id,
      weight: this.weight,
      inflight: this.inflight,
      inflightTokens: this.inflightTokens,
      prefilling: this.prefilling,
      waiting: fresh ? this.signals?.waiting : undefined,
      kvUsage: fresh ? this.signals?.kvUsage : undefined,
      stale: !fresh,
      adapters: this.adapters,
    };
  }
}
