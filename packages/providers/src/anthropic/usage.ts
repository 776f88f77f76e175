import type { Usage } from "@keel/core";
import { usageOf } from "@keel/core/provider";

/** The usage fields Anthropic reports, as found on `message_start`, `message_delta` and a full `Message`. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Normalizes Anthropic usage. Anthropic's `input_tokens` leaves out cache reads and cache
 * writes; Keel's `inputTokens` is the whole prompt, so it adds both, and reports them again as
 * `cachedInputTokens` and `cacheWriteTokens`. `reasoningTokens` comes from `thinking_tokens`.
 */
export function toUsage(u: AnthropicUsageFields): Usage {
  const read = u.cache_read_input_tokens ?? undefined;
  const write = u.cache_creation_input_tokens ?? undefined;
  const thinking = u.output_tokens_details?.thinking_tokens ?? undefined;
  return usageOf((u.input_tokens ?? 0) + (read ?? 0) + (write ?? 0), u.output_tokens ?? 0, {
    ...(read !== undefined ? { cachedInputTokens: read } : {}),
    ...(write !== undefined ? { cacheWriteTokens: write } : {}),
    ...(thinking !== undefined ? { reasoningTokens: thinking } : {}),
  });
}

/** Folds a later usage report over an earlier one; fields the later one leaves null keep their value. */
export function mergeUsageFields(
  earlier: AnthropicUsageFields,
  later: AnthropicUsageFields | null | undefined,
): AnthropicUsageFields {
  if (!later) return earlier;
  const merged: AnthropicUsageFields = { ...earlier };
  for (const [key, value] of Object.entries(later) as Array<[keyof AnthropicUsageFields, never]>) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
