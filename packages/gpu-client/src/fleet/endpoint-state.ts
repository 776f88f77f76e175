import type { LoadSignals } from "../metrics/load-signals.js";
import type { ServerInfo } from "../metrics/server-info.js";
import type { Candidate } from "../routing/candidate.js";
import type { EndpointModel } from "../wire/endpoint-model.js";
import { AdapterSlots } from "./adapter-slots.js";

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
  /**
   * The client's own counts when the last scrape came back (`prefilling`, `inflightTokens`): what
   * it sent and saw finish since then adjusts the scraped queue and KV usage (see `candidate`).
   */
  prefillingAtScrape = 0;
  inflightTokensAtScrape = 0;
  /** Prefix-cache hit rate over the last scrape interval. */
  prefixHitRate: number | undefined;
  adapters = new Set<string>();
  /** Avoid until then (ms): the server said it is full (Retry-After). */
  backoffUntil = 0;
  /** KV capacity in tokens, configured or from `cache_config_info`; undefined when unknown. */
  configuredKvTokens: number | undefined;
  /** Limits the server reports outside `/metrics` (TGI `/info`, llama.cpp `/props`), read when it turns healthy. */
  serverInfo: ServerInfo | undefined;
  /** LoRA slot use as this client sees it (for unloading the least recently used adapter). */
  readonly adapterSlots: AdapterSlots;

  constructor(
    model: EndpointModel,
    raw: EndpointModel,
    weight: number,
    baseEjectMs: number,
    kvTokens: number | undefined,
    maxAdapters?: number,
  ) {
    this.id = model.id;
    this.model = model;
    this.raw = raw;
    this.weight = weight;
    this.ejectMs = baseEjectMs;
    this.configuredKvTokens = kvTokens;
    this.adapterSlots = new AdapterSlots(maxAdapters);
  }

  /**
   * KV capacity in tokens: configured, else scraped (`cache_config_info`), else what the server's
   * info route said (TGI `/info`, llama.cpp `/props`); undefined when none says.
   */
  get kvTokens(): number | undefined {
    if (this.configuredKvTokens !== undefined) return this.configuredKvTokens;
    const s = this.signals;
    return s?.numGpuBlocks !== undefined && s.blockSize !== undefined
      ? s.numGpuBlocks * s.blockSize
      : this.serverInfo?.kvCapacityTokens;
  }

  /** Records a scrape that came back now, with the client's counts at that moment. */
  scraped(signals: LoadSignals, now: number): void {
    this.signals = signals;
    this.scrapedAt = now;
    this.prefillingAtScrape = this.prefilling;
    this.inflightTokensAtScrape = this.inflightTokens;
  }

  /**
   * The routing view of this endpoint at time `now`. A scrape is up to a scrape interval old, and
   * near saturation every pick in that interval would read the same numbers and herd onto the
   * replica that looked free (llm-d-router#298). So, as llm-d and the Gateway API inference
   * extension do with in-flight accounting, the scraped waiting queue moves by the requests this
   * client sent since the scrape that have not had their first token (`prefilling` now minus at
   * the scrape), and the scraped KV usage by the tokens it reserved minus those it released since
   * (`inflightTokens` now minus at the scrape, over the KV capacity; unadjusted when the capacity
   * is unknown), both clamped to their ranges.
   */
  candidate(now: number, stalenessMs: number): Candidate {
    const fresh = now - this.scrapedAt <= stalenessMs;
    const s = fresh ? this.signals : undefined;
    const waiting =
      s?.waiting === undefined
        ? undefined
        : Math.max(0, s.waiting + this.prefilling - this.prefillingAtScrape);
    const capacity = this.kvTokens;
    const kvUsage =
      s?.kvUsage === undefined
        ? undefined
        : capacity === undefined || capacity <= 0
          ? s.kvUsage
          : Math.min(
              1,
              Math.max(0, s.kvUsage + (this.inflightTokens - this.inflightTokensAtScrape) / capacity),
            );
    return {
      id: this.id,
      weight: this.weight,
      inflight: this.inflight,
      inflightTokens: this.inflightTokens,
      prefilling: this.prefilling,
      waiting,
      kvUsage,
      stale: !fresh,
      adapters: this.adapters,
    };
  }
}
