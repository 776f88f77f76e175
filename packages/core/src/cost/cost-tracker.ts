import { type EventHub, events as globalEvents } from "../events.js";
import type { CallContext, Usage } from "../model.js";
import type { ModelInfo } from "../registry/model-info.js";
import type { CostDimension } from "./cost-events.js";
import { costOf } from "./cost-of.js";

/** One call to account for. */
export interface CostEntry {
  model: string;
  provider: string;
  usage: Usage;
  /** Answers served from a cache cost nothing; their usage is still reported. */
  cached?: boolean;
  tenant?: string;
  context?: CallContext;
  /** The model's facts; without prices the call is counted as unpriced. */
  info?: ModelInfo;
}

/** Running totals for one group of calls. */
export interface CostTotals {
  calls: number;
  cachedCalls: number;
  /** Calls whose model had no known price; their cost is missing from `costUsd`. */
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

/** Totals grouped by one dimension, as JSON. */
export interface CostReport {
  groupBy: CostDimension;
  total: CostTotals;
  rows: Array<{ key: string } & CostTotals>;
}

const NONE = "(none)";
const DIMENSIONS: CostDimension[] = ["tenant", "flowId", "runId", "stepId", "model", "provider"];
const zero = (): CostTotals => ({
  calls: 0,
  cachedCalls: 0,
  unpricedCalls: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
});

/**
 * Accumulates cost per tenant, workflow (flowId), run, step, model and provider. Keeps only
 * totals per distinct key, so memory grows with the number of keys, not of calls.
 */
export class CostTracker {
  #total = zero();
  #groups = new Map<CostDimension, Map<string, CostTotals>>(DIMENSIONS.map((d) => [d, new Map()]));
  #hub: EventHub;

  constructor(options: { events?: EventHub } = {}) {
    this.#hub = options.events ?? globalEvents;
  }

  /** Adds one call; returns its cost in USD (0 when cached, undefined when unpriced). */
  record(entry: CostEntry): number | undefined {
    const cached = entry.cached === true;
    const cost = cached ? 0 : costOf(entry.usage, entry.info)?.totalUsd;
    const tenant = entry.tenant ?? entry.context?.tenant;
    const keys: Record<CostDimension, string> = {
      tenant: tenant ?? NONE,
      flowId: entry.context?.flowId ?? NONE,
      runId: entry.context?.runId ?? NONE,
      stepId: entry.context?.stepId ?? NONE,
      model: entry.model,
      provider: entry.provider,
    };
    const targets = [this.#total];
    for (const d of DIMENSIONS) {
      const group = this.#groups.get(d)!;
      let totals = group.get(keys[d]);
      if (!totals) {
        totals = zero();
        group.set(keys[d], totals);
      }
      targets.push(totals);
    }
    const u = entry.usage;
    for (const t of targets) {
      t.calls++;
      if (cached) t.cachedCalls++;
      if (cost === undefined) t.unpricedCalls++;
      else t.costUsd += cost;
      t.inputTokens += u.inputTokens;
      t.cachedInputTokens += u.cachedInputTokens ?? 0;
      t.cacheWriteTokens += u.cacheWriteTokens ?? 0;
      t.outputTokens += u.outputTokens;
      t.reasoningTokens += u.reasoningTokens ?? 0;
    }
    this.#hub.emit(
      "cost.recorded",
      {
        model: entry.model,
        provider: entry.provider,
        ...(tenant !== undefined ? { tenant } : {}),
        usage: u,
        ...(cost !== undefined ? { costUsd: cost } : {}),
        cached,
      },
      entry.context,
    );
    return cost;
  }

  /** Totals over every call, or over the calls whose `dimension` equals `key`. */
  totals(dimension?: CostDimension, key?: string): CostTotals {
    if (!dimension) return { ...this.#total };
    return { ...(this.#groups.get(dimension)?.get(key ?? NONE) ?? zero()) };
  }

  /** Totals grouped by one dimension, most expensive first. */
  report(groupBy: CostDimension = "model"): CostReport {
    const rows = [...this.#groups.get(groupBy)!].map(([key, t]) => ({ key, ...t }));
    rows.sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
    return { groupBy, total: { ...this.#total }, rows };
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.#total = zero();
    for (const group of this.#groups.values()) group.clear();
  }
}
