import type { TokenEncoding } from "./tokenizer.js";

/**
 * How a model family turns a request into tokens. OpenAI counts are exact for text (the real
 * BPE tables); Anthropic and Gemini publish no tokenizer, so their counts are estimates scaled
 * from the o200k count. Every constant below names its source.
 */
export interface TokenProfile {
  family: "openai" | "anthropic" | "gemini";
  encoding: TokenEncoding;
  /** True when text counts come from the provider's own tokenizer (OpenAI only). */
  exact: boolean;
  /** Multiplier applied to o200k text counts (1 for OpenAI). */
  textFactor: number;
  /** Framing tokens per message (role markers). */
  perMessage: number;
  /** Tokens that prime the reply after the last message. */
  replyPriming: number;
  /** Whether the role name is itself encoded per message (OpenAI's ChatML). */
  countsRole: boolean;
  /** Assumed tokens for one image when its size is unknown. */
  imageTokens: number;
  /** Assumed tokens for one attached file when its content is unknown. */
  fileTokens: number;
}

/**
 * OpenAI: the openai-cookbook notebook "How to count tokens with tiktoken"
 * (examples/How_to_count_tokens_with_tiktoken.ipynb, num_tokens_from_messages): 3 tokens per
 * message, the role and content encoded, 3 tokens priming the reply. Verified exactly against
 * the recorded fixtures whose prompts are known (see message-tokens.test.ts). Images: the
 * documented tile rule for a 1024x1024 high-detail image, 85 + 4 x 170 = 765.
 */
const OPENAI: Omit<TokenProfile, "encoding"> = {
  family: "openai",
  exact: true,
  textFactor: 1,
  perMessage: 3,
  replyPriming: 3,
  countsRole: true,
  imageTokens: 765,
  fileTokens: 1000,
};

/**
 * Anthropic: the text factor 1.15 is the ratio of the two vendors' published rules of thumb
 * (OpenAI: about 4 characters per token; Anthropic: about 3.5 characters per token, so 4 / 3.5).
 * Framing (3 per message, 2 to prime the reply) reproduces the 14 tokens of Anthropic's
 * count-tokens documentation example (system "You are a scientist", user "Hello, Claude").
 * Images: the documented (width x height) / 750 rule at the ~1.15 megapixel cap, about 1,600.
 */
const ANTHROPIC: Omit<TokenProfile, "encoding"> = {
  family: "anthropic",
  exact: false,
  textFactor: 1.15,
  perMessage: 3,
  replyPriming: 2,
  countsRole: false,
  imageTokens: 1600,
  fileTokens: 1500,
};

/**
 * Gemini: Google documents "a token is about 4 characters", the same rate as OpenAI, so the
 * factor is 1 with no framing (countTokens of a lone user text reports the text alone).
 * Images: 258 tokens per image up to 384 px, the documented minimum tile.
 */
const GEMINI: Omit<TokenProfile, "encoding"> = {
  family: "gemini",
  exact: false,
  textFactor: 1,
  perMessage: 0,
  replyPriming: 0,
  countsRole: false,
  imageTokens: 258,
  fileTokens: 1000,
};

/**
 * Anthropic's tool-use system prompt, added once when tools are present (Anthropic pricing
 * docs, "Tool use system prompt token count", Claude 4 / 3.7 models): 346 tokens for tool
 * choice auto or none, 313 for any or a named tool.
 */
export const ANTHROPIC_TOOL_PROMPT = { auto: 346, forced: 313 } as const;

/** The token profile for a model id (with or without a provider prefix or date suffix). */
export function tokenProfileFor(model: string | { id: string; provider?: string }): TokenProfile {
  const id = (typeof model === "string" ? model : model.id).toLowerCase().replace(/^.*\//, "");
  const provider = typeof model === "string" ? "" : (model.provider ?? "").toLowerCase();
  if (provider === "anthropic" || id.startsWith("claude")) return { ...ANTHROPIC, encoding: "o200k_base" };
  if (provider === "google" || provider === "gemini" || id.startsWith("gemini") || id.startsWith("gemma"))
    return { ...GEMINI, encoding: "o200k_base" };
  // gpt-4 (not 4o / 4.1 / 4.5) and gpt-3.5 use cl100k; everything newer o200k. Other models
  // (open-weight ones behind OpenAI-compatible servers) get OpenAI's rules as an estimate.
  const legacy = /^(gpt-3\.5|gpt-35|gpt-4(-\d{4}|-turbo|-32k|$)|text-embedding-(3|ada))/.test(id);
  const openai = provider === "openai" || /^(gpt-|o\d|chatgpt|text-embedding)/.test(id);
  return { ...OPENAI, exact: openai, encoding: legacy ? "cl100k_base" : "o200k_base" };
}
