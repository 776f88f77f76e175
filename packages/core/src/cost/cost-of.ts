import type { Usage } from "../model.js";
import type { ModelInfo, ModelPricing } from "../registry/model-info.js";

/** What a call cost, in US dollars, split by kind of token. */
export interface CostBreakdown {
  inputUsd: number;
  cachedInputUsd: number;
  cacheWriteUsd: number;
  outputUsd: number;
  reasoningUsd: number;
  totalUsd: number;
}

const PER_TOKEN = 1 / 1_000_000;

/**
 * The cost of one call from its normalized usage. Cached-read and cache-write tokens are parts
 * of `inputTokens` and are billed at their own rates, never twice; reasoning tokens are part of
 * `outputTokens` and billed as output unless the model prices them apart. Returns undefined
 * when the model's prices are unknown (so unknown never reads as free).
 */
export function costOf(usage: Usage, model: ModelInfo | ModelPricing | undefined): CostBreakdown | undefined {
  const base = model && "inputPerMTok" in model ? model : model?.pricing;
  if (!base) return undefined;
  const long = base.longContext;
  const p = long && usage.inputTokens > long.thresholdTokens ? long : base;
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  // Providers that report cache tokens apart from input would make this negative; such usage
  // is normalized by the adapters, and clamping keeps a bad report from producing a credit.
  const plainInput = Math.max(0, usage.inputTokens - cached - written);
  const reasoning = p.reasoningPerMTok === undefined ? 0 : (usage.reasoningTokens ?? 0);
  const plainOutput = Math.max(0, usage.outputTokens - reasoning);

  const inputUsd = plainInput * p.inputPerMTok * PER_TOKEN;
  const cachedInputUsd = cached * (p.cachedInputPerMTok ?? p.inputPerMTok) * PER_TOKEN;
  const cacheWriteUsd = written * (p.cacheWritePerMTok ?? p.inputPerMTok) * PER_TOKEN;
  const outputUsd = plainOutput * p.outputPerMTok * PER_TOKEN;
  const reasoningUsd = reasoning * (p.reasoningPerMTok ?? p.outputPerMTok) * PER_TOKEN;
  return {
    inputUsd,
    cachedInputUsd,
    cacheWriteUsd,
    outputUsd,
    reasoningUsd,
    totalUsd: inputUsd + cachedInputUsd + cacheWriteUsd + outputUsd + reasoningUsd,
  };
}

/** An upper-bound style estimate before a call: input tokens at the input rate, output at the output rate. */
export function estimateCost(inputTokens: number, outputTokens: number, pricing: ModelPricing): number {
  const long = pricing.longContext;
  const p = long && inputTokens > long.thresholdTokens ? long : pricing;
  return (inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) * PER_TOKEN;
}
