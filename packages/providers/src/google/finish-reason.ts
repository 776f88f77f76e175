import type { FinishReason } from "@keel/core";

const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

const ERROR = new Set([
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "MISSING_THOUGHT_SIGNATURE",
]);

/**
 * Maps a Gemini `finishReason` to Keel's. Gemini says STOP even when it called functions, so a
 * STOP answer with tool calls is `tool-calls`. LANGUAGE, OTHER, unknown and missing values are `other`.
 */
export function toFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (raw === undefined || raw === "STOP")) return "tool-calls";
  if (raw === "STOP") return "stop";
  if (raw === undefined) return "other";
  if (raw === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER.has(raw)) return "content-filter";
  if (ERROR.has(raw)) return "error";
  return "other";
}
