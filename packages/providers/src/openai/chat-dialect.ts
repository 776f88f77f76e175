import type { ModelRequest } from "@keel/core";
import type { CompletionUsage } from "openai/resources/completions";

/** What `ChatDialect.adaptBody` is told about the call whose body it adapts. */
export interface ChatBodyContext {
  /** The Keel request the body was built from. */
  request: ModelRequest;
  stream: boolean;
}

/**
 * How a server that speaks the Chat Completions protocol differs from OpenAI. `openai()` takes
 * one in its settings; `@keel/providers/openai-compatible` builds them for known hosts. Every
 * field is optional, and an absent dialect is plain OpenAI.
 */
export interface ChatDialect {
  /** Provider name on the model, its responses and its errors, for telemetry (default "openai"). */
  provider?: string;
  /** The server takes `top_k` (OpenAI has no such parameter, so `topK` is rejected without this). */
  topK?: boolean;
  /**
   * Message / delta fields that carry reasoning text, read in this order (the first one present
   * wins, so a server that sends both spellings is not read twice), e.g. DeepSeek's
   * `reasoning_content` or OpenRouter's `reasoning`.
   */
  reasoningFields?: readonly string[];
  /** Rewrites each request body after Keel built it: rename or drop what the server rejects, add its extras. */
  adaptBody?: (body: Record<string, unknown>, context: ChatBodyContext) => Record<string, unknown>;
  /** Usage carried outside the standard `usage` field, e.g. Groq's `x_groq.usage`. */
  usageOf?: (chunk: Record<string, unknown>) => CompletionUsage | undefined;
  /**
   * A stream that ends without a `finish_reason` is normally a truncated stream (an error). Servers
   * that never send the finish chunk (TGI after tool calls) set this: the finish reason is then
   * `tool-calls` when every tool call's arguments are complete JSON, else `other`.
   */
  inferMissingFinishReason?: boolean;
}

/** The first non-empty string among `fields` of `record` (a delta or message), if any. */
export function reasoningTextOf(record: object, fields: readonly string[] | undefined): string | undefined {
  if (!fields) return undefined;
  for (const field of fields) {
    const value = (record as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
