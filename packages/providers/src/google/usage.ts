import type { Usage } from "@keel/core";
import type { GeminiUsageMetadata } from "./wire-types.js";

/**
 * Maps Gemini `usageMetadata` to Keel usage. Gemini counts thoughts apart from the answer
 * (`candidatesTokenCount` excludes `thoughtsTokenCount`), but both are billed as output and Keel
 * defines reasoning tokens as a subset of output, so output = candidates + thoughts. Input
 * includes tool-use prompt tokens (search results etc.), so input + output = `totalTokenCount`.
 * Returns undefined when the metadata carries no counts (early Vertex chunks hold only `trafficType`).
 */
export function toUsage(meta: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!meta || (meta.promptTokenCount === undefined && meta.candidatesTokenCount === undefined))
    return undefined;
  const input = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const output = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    ...(meta.cachedContentTokenCount !== undefined
      ? { cachedInputTokens: meta.cachedContentTokenCount }
      : {}),
    ...(meta.thoughtsTokenCount !== undefined ? { reasoningTokens: meta.thoughtsTokenCount } : {}),
  };
}
