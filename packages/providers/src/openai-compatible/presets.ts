import type { CompletionUsage } from "openai/resources/completions";
import { type OpenAICompatibleProvider, openaiCompatible } from "./openai-compatible.js";

/**
 * Groq (api.groq.com): `max_completion_tokens`, reasoning in `reasoning` (with
 * `reasoning_format: "parsed"`), usage from `include_usage` or, on older deployments, `x_groq.usage`.
 */
export const groq: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "groq",
  baseURL: "https://api.groq.com/openai/v1",
  apiKeyEnv: "GROQ_API_KEY",
  quirks: {
    maxTokensParam: "max_completion_tokens",
    reasoningFields: ["reasoning"],
    usageOf: groqUsage,
  },
});

/** Together AI (api.together.xyz): takes `top_k`; reasoning models stream `reasoning`. */
export const together: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "together",
  baseURL: "https://api.together.xyz/v1",
  apiKeyEnv: "TOGETHER_API_KEY",
  quirks: { topK: true },
});

/** Fireworks AI (api.fireworks.ai/inference): takes `top_k`; reasoning in `reasoning_content`. */
export const fireworks: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "fireworks",
  baseURL: "https://api.fireworks.ai/inference/v1",
  apiKeyEnv: "FIREWORKS_API_KEY",
  quirks: { topK: true },
});

/**
 * DeepSeek (api.deepseek.com): `deepseek-reasoner` streams its thinking in `reasoning_content`
 * (never sent back: Keel drops reasoning parts from Chat Completions history, as DeepSeek
 * requires). No `seed`; thinking is chosen by model, not by `reasoning_effort`; JSON output is
 * `json_object` only.
 */
export const deepseek: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "deepseek",
  baseURL: "https://api.deepseek.com",
  apiKeyEnv: "DEEPSEEK_API_KEY",
  quirks: { reasoningFields: ["reasoning_content"], unsupported: ["seed", "reasoning"] },
  capabilities: () => ({ jsonSchema: false }),
});

/**
 * Mistral (api.mistral.ai): rejects unknown fields (422), so no `stream_options` (it sends usage
 * in the last chunk unasked) and no `max_completion_tokens`; `seed` is `random_seed`.
 */
export const mistral: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "mistral",
  baseURL: "https://api.mistral.ai/v1",
  apiKeyEnv: "MISTRAL_API_KEY",
  quirks: { streamUsage: "unasked", renames: { seed: "random_seed" }, unsupported: ["reasoning"] },
});

/**
 * OpenRouter (openrouter.ai): always sends usage (its `stream_options` is deprecated and has no
 * effect, so it is not sent), streams reasoning in `reasoning`, takes reasoning settings as a
 * `reasoning: { effort | max_tokens }` object and `top_k`. Set `HTTP-Referer` / `X-Title` through
 * `headers` for app attribution.
 */
export const openrouter: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "openrouter",
  baseURL: "https://openrouter.ai/api/v1",
  apiKeyEnv: "OPENROUTER_API_KEY",
  quirks: {
    streamUsage: "unasked",
    reasoningFields: ["reasoning"],
    reasoningParam: "reasoning-object",
    topK: true,
  },
  capabilities: () => ({ vision: true }),
});

/**
 * A vLLM server (`vllm serve`, default http://localhost:8000/v1). Takes `top_k` and the other
 * vLLM sampling extras through `providerOptions.vllm`; with a reasoning parser it streams
 * `reasoning_content` (newer releases: `reasoning`); extra choice fields such as `stop_reason`
 * are kept in `raw`. No key unless the server runs with `--api-key` (`VLLM_API_KEY`).
 */
export const vllm: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "vllm",
  baseURL: "http://localhost:8000/v1",
  apiKeyEnv: "VLLM_API_KEY",
  placeholderApiKey: "EMPTY",
  quirks: { topK: true },
});

/** An SGLang server (default http://localhost:30000/v1): like vLLM, `top_k` and `reasoning_content`. */
export const sglang: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "sglang",
  baseURL: "http://localhost:30000/v1",
  placeholderApiKey: "EMPTY",
  quirks: { topK: true },
});

/** Ollama's OpenAI-compatible API (default http://localhost:11434/v1): thinking models stream `reasoning`. */
export const ollama: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "ollama",
  baseURL: "http://localhost:11434/v1",
  placeholderApiKey: "ollama",
});

/** LM Studio's local server (default http://localhost:1234/v1): takes `top_k`; reasoning in `reasoning_content`. */
export const lmstudio: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "lmstudio",
  baseURL: "http://localhost:1234/v1",
  placeholderApiKey: "lm-studio",
  quirks: { topK: true },
});

/**
 * Hugging Face TGI's Messages API (default http://localhost:8080/v1, as in its Docker examples).
 * Tool-call streams may end without a finish chunk, and older releases send tool arguments as an
 * object; both are handled. Tool calls come back with `finish_reason: "stop"`, read as tool-calls.
 */
export const tgi: OpenAICompatibleProvider = /* @__PURE__ */ openaiCompatible({
  provider: "tgi",
  baseURL: "http://localhost:8080/v1",
  placeholderApiKey: "-",
  quirks: { inferMissingFinishReason: true },
});

/** Usage from Groq's `x_groq.usage`, where older Groq deployments put it instead of `usage`. */
export function groqUsage(chunk: Record<string, unknown>): CompletionUsage | undefined {
  const usage = (chunk.x_groq as { usage?: CompletionUsage } | undefined)?.usage;
  return usage && typeof usage.prompt_tokens === "number" ? usage : undefined;
}
