import type { ModelInfo } from "./model-info.js";

/**
 * The built-in model data. Bump `MODEL_DATA_VERSION` whenever a figure changes.
 *
 * Sources (list prices, standard tier, USD per million tokens, as published by each provider
 * and known to the author as of 2025-10): openai.com/api/pricing and platform.openai.com/docs/models;
 * anthropic.com/pricing and docs.anthropic.com (models overview, prompt caching);
 * ai.google.dev/gemini-api/docs/pricing and /models. Nothing was fetched at build time: check
 * before relying on a figure, and override at run time with `modelRegistry.override`.
 *
 * Conventions: OpenAI and Gemini bill cache writes as plain input (no `cacheWritePerMTok`);
 * Anthropic's cache write is the 5-minute rate (1.25x input; the 1-hour write is 2x); every
 * provider bills reasoning ("thinking") tokens as output (no `reasoningPerMTok`). Gemini's
 * context-cache storage fee (per token-hour) is not modelled.
 */
export const MODEL_DATA_VERSION = "2025.10.1";

const OPENAI_CHAT = { streaming: true, tools: true, jsonSchema: true, vision: true, reasoning: false };
const OPENAI_REASONING = { ...OPENAI_CHAT, reasoning: true };
const CLAUDE = { streaming: true, tools: true, jsonSchema: false, vision: true, reasoning: true };
const GEMINI = { streaming: true, tools: true, jsonSchema: true, vision: true, reasoning: true };

export const MODELS: ModelInfo[] = [
  // OpenAI
  {
    id: "gpt-4.1",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4.1-mini",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 },
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4.1-nano",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4o",
    provider: "openai",
    aliases: ["chatgpt-4o-latest"],
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 },
    capabilities: OPENAI_CHAT,
    note: "Prices are for gpt-4o-2024-08-06 and later; the 2024-05-13 snapshot was $5 / $15.",
  },
  {
    id: "gpt-4o-mini",
    provider: "openai",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 },
    capabilities: OPENAI_CHAT,
  },
  {
    id: "o3",
    provider: "openai",
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    pricing: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
    capabilities: OPENAI_REASONING,
    note: "Price after OpenAI's June 2025 reduction (was $10 / $40).",
  },
  {
    id: "o4-mini",
    provider: "openai",
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    pricing: { inputPerMTok: 1.1, cachedInputPerMTok: 0.275, outputPerMTok: 4.4 },
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5-mini",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5-nano",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPerMTok: 0.05, cachedInputPerMTok: 0.005, outputPerMTok: 0.4 },
    capabilities: OPENAI_REASONING,
  },
  // Anthropic
  {
    id: "claude-opus-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5, cacheWritePerMTok: 6.25 },
    capabilities: CLAUDE,
  },
  {
    id: "claude-opus-4-1",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    pricing: { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75 },
    capabilities: CLAUDE,
  },
  {
    id: "claude-opus-4",
    provider: "anthropic",
    aliases: ["claude-opus-4-0"],
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    pricing: { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75 },
    capabilities: CLAUDE,
  },
  {
    id: "claude-sonnet-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 },
    capabilities: CLAUDE,
    note: "Standard 200k window; the 1M-token beta bills prompts over 200k at $6 / $22.50 (not modelled).",
  },
  {
    id: "claude-sonnet-4",
    provider: "anthropic",
    aliases: ["claude-sonnet-4-0"],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 },
    capabilities: CLAUDE,
  },
  {
    id: "claude-haiku-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1, cacheWritePerMTok: 1.25 },
    capabilities: CLAUDE,
  },
  {
    id: "claude-3-5-haiku",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    pricing: { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, cacheWritePerMTok: 1 },
    capabilities: { ...CLAUDE, reasoning: false },
  },
  // Google
  {
    id: "gemini-2.5-pro",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: {
      inputPerMTok: 1.25,
      outputPerMTok: 10,
      cachedInputPerMTok: 0.31,
      longContext: {
        thresholdTokens: 200_000,
        inputPerMTok: 2.5,
        outputPerMTok: 15,
        cachedInputPerMTok: 0.625,
      },
    },
    capabilities: GEMINI,
  },
  {
    id: "gemini-2.5-flash",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPerMTok: 0.3, outputPerMTok: 2.5, cachedInputPerMTok: 0.075 },
    capabilities: GEMINI,
    note: "Text/image/video input price; audio input is $1.00. Cached-input price as of mid-2025.",
  },
  {
    id: "gemini-2.5-flash-lite",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
    capabilities: GEMINI,
    note: "Text/image/video input price; audio input is $0.30.",
  },
  {
    id: "gemini-2.0-flash",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 8_192,
    pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
    capabilities: { ...GEMINI, reasoning: false },
  },
];
