import type { ModelInfo } from "./model-info.js";

/**
 * What Keel curates about each built-in model: ids, aliases, output limits and capabilities, and
 * a context window used only where the price catalogue states none. Prices and context windows
 * come from `@pydantic/genai-prices` (see generated-prices.ts); a model the catalogue lacks has
 * no price (reported as unknown, never as zero).
 *
 * Sources for the curated facts: platform.openai.com/docs/models, docs.anthropic.com (models
 * overview), ai.google.dev/gemini-api/docs/models.
 */
const OPENAI_CHAT = { streaming: true, tools: true, jsonSchema: true, vision: true, reasoning: false };
const OPENAI_REASONING = { ...OPENAI_CHAT, reasoning: true };
const CLAUDE = { streaming: true, tools: true, jsonSchema: false, vision: true, reasoning: true };
const GEMINI = { streaming: true, tools: true, jsonSchema: true, vision: true, reasoning: true };

export const CURATED_MODELS: Array<Omit<ModelInfo, "pricing">> = [
  // OpenAI
  {
    id: "gpt-4.1",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4.1-mini",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4.1-nano",
    provider: "openai",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4o",
    provider: "openai",
    aliases: ["chatgpt-4o-latest"],
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: OPENAI_CHAT,
  },
  {
    id: "gpt-4o-mini",
    provider: "openai",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: OPENAI_CHAT,
  },
  {
    id: "o3",
    provider: "openai",
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: OPENAI_REASONING,
  },
  {
    id: "o4-mini",
    provider: "openai",
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5-mini",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: OPENAI_REASONING,
  },
  {
    id: "gpt-5-nano",
    provider: "openai",
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: OPENAI_REASONING,
  },
  // Anthropic
  {
    id: "claude-opus-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: CLAUDE,
  },
  {
    id: "claude-opus-4-1",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    capabilities: CLAUDE,
  },
  {
    id: "claude-opus-4",
    provider: "anthropic",
    aliases: ["claude-opus-4-0"],
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    capabilities: CLAUDE,
  },
  {
    id: "claude-sonnet-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: CLAUDE,
    note: "Standard 200k window; the 1M-token beta's context window is not modelled.",
  },
  {
    id: "claude-sonnet-4",
    provider: "anthropic",
    aliases: ["claude-sonnet-4-0"],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: CLAUDE,
  },
  {
    id: "claude-haiku-4-5",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: CLAUDE,
  },
  {
    id: "claude-3-5-haiku",
    provider: "anthropic",
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    capabilities: { ...CLAUDE, reasoning: false },
  },
  // Google
  {
    id: "gemini-2.5-pro",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: GEMINI,
  },
  {
    id: "gemini-2.5-flash",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: GEMINI,
  },
  {
    id: "gemini-2.5-flash-lite",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: GEMINI,
  },
  {
    id: "gemini-2.0-flash",
    provider: "google",
    contextWindow: 1_048_576,
    maxOutputTokens: 8_192,
    capabilities: { ...GEMINI, reasoning: false },
  },
];
