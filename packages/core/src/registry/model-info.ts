import type { ModelCapabilities } from "../model.js";

/** US dollars per million tokens. An absent price means "unknown", never zero. */
export interface ModelPricing {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input tokens read from the provider's prompt cache. Absent: billed as plain input. */
  cachedInputPerMTok?: number;
  /** Input tokens written to the prompt cache (Anthropic's 5-minute write). Absent: billed as plain input. */
  cacheWritePerMTok?: number;
  /** Reasoning tokens, when priced apart from output. Absent: billed as output (every provider today). */
  reasoningPerMTok?: number;
  /** Higher rates once the prompt exceeds `thresholdTokens` (Gemini 2.5 Pro above 200k). */
  longContext?: { thresholdTokens: number } & Omit<ModelPricing, "longContext">;
}

/** What Keel knows about a model: limits, prices, capabilities. */
export interface ModelInfo {
  id: string;
  provider: "openai" | "anthropic" | "google" | (string & {});
  /** Other ids the provider serves the same model under (besides dated snapshots, matched automatically). */
  aliases?: string[];
  contextWindow: number;
  maxOutputTokens: number;
  /** Absent when the price is not known; cost is then reported as unknown, not zero. */
  pricing?: ModelPricing;
  capabilities: Omit<ModelCapabilities, "contextWindow" | "maxOutputTokens">;
  /** Where the figures come from and anything uncertain about them. */
  note?: string;
}
