import type { Usage } from "@keel/core";
import type { CompletionUsage } from "openai/resources/completions";
import type { ResponseUsage } from "openai/resources/responses/responses";

/** Chat Completions usage in Keel form; cached and reasoning counts appear when OpenAI reports them. */
export function chatUsage(usage: CompletionUsage): Usage {
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: usage.total_tokens ?? input + output,
    ...(typeof cached === "number" ? { cachedInputTokens: cached } : {}),
    ...(typeof reasoning === "number" ? { reasoningTokens: reasoning } : {}),
  };
}

/** Responses API usage in Keel form. */
export function responsesUsage(usage: ResponseUsage): Usage {
  const input = usage.input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const details = usage.input_tokens_details as
    | { cached_tokens?: number; cache_write_tokens?: number }
    | undefined;
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: usage.total_tokens ?? input + output,
    ...(typeof details?.cached_tokens === "number" ? { cachedInputTokens: details.cached_tokens } : {}),
    ...(typeof details?.cache_write_tokens === "number"
      ? { cacheWriteTokens: details.cache_write_tokens }
      : {}),
    ...(typeof reasoning === "number" ? { reasoningTokens: reasoning } : {}),
  };
}
