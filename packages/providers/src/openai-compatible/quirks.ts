import type { CompletionUsage } from "openai/resources/completions";
import type { ChatBodyContext } from "../openai/chat-dialect.js";

/** Request options a host may have no parameter for. */
export type UnsupportedOption =
  | "temperature"
  | "topP"
  | "topK"
  | "seed"
  | "stop"
  | "frequencyPenalty"
  | "presencePenalty"
  | "reasoning"
  | "responseFormat";

/** How an OpenAI-compatible host differs from OpenAI's Chat Completions API. */
export interface OpenAICompatibleQuirks {
  /**
   * Name of the output-token limit. Default `max_tokens`, which every host takes; OpenAI itself
   * and Groq prefer `max_completion_tokens`, which many hosts reject or ignore.
   */
  maxTokensParam?: "max_tokens" | "max_completion_tokens";
  /**
   * How streamed usage is obtained. `include-usage` (default): ask with
   * `stream_options.include_usage`. `unasked`: the host sends usage by itself and rejects or
   * ignores `stream_options` (Mistral answers 422), so it is not sent. A host that still sends
   * none leaves usage at zero and emits `model.usage.missing`.
   */
  streamUsage?: "include-usage" | "unasked";
  /** Delta / message fields that carry reasoning text, first present wins (default `reasoning_content`, `reasoning`). */
  reasoningFields?: readonly string[];
  /** The host takes `top_k` (vLLM, SGLang, Together, Fireworks, OpenRouter, LM Studio). */
  topK?: boolean;
  /**
   * Request options the host has no parameter for: a request that sets one fails with an
   * `InvalidRequestError` naming the host, unless the model's `dropUnsupported` lists it.
   */
  unsupported?: readonly UnsupportedOption[];
  /** Wire names the host uses instead of OpenAI's, e.g. Mistral's `{ seed: "random_seed" }`. */
  renames?: Readonly<Record<string, string>>;
  /**
   * How reasoning effort or budget is sent: `reasoning_effort` (default, OpenAI's field) or
   * `reasoning-object` (OpenRouter's `reasoning: { effort }` / `reasoning: { max_tokens }`).
   */
  reasoningParam?: "reasoning_effort" | "reasoning-object";
  /** Usage carried outside `usage`, e.g. Groq's `x_groq.usage` on older deployments. */
  usageOf?: (chunk: Record<string, unknown>) => CompletionUsage | undefined;
  /** The host may end a stream without a finish chunk (TGI after tool calls); see `ChatDialect`. */
  inferMissingFinishReason?: boolean;
  /** The last word on each request body, after every other quirk. */
  adaptBody?: (body: Record<string, unknown>, context: ChatBodyContext) => Record<string, unknown>;
}

/** The body key each request option is sent as (before renames). */
export const OPTION_KEYS: Record<UnsupportedOption, string> = {
  temperature: "temperature",
  topP: "top_p",
  topK: "top_k",
  seed: "seed",
  stop: "stop",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
  reasoning: "reasoning_effort",
  responseFormat: "response_format",
};
