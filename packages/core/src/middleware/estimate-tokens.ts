import { type ContentPart, partsOf } from "../messages.js";
import type { ModelRequest } from "../model.js";

/** Output tokens assumed when the request does not cap them. */
const DEFAULT_OUTPUT_TOKENS = 256;

function charsOf(part: ContentPart): number {
  switch (part.type) {
    case "text":
    case "reasoning":
      return part.text.length;
    case "tool-call":
      return part.name.length + (part.rawArguments ?? JSON.stringify(part.arguments ?? null)).length;
    case "tool-result":
      return typeof part.result === "string"
        ? part.result.length
        : (JSON.stringify(part.result) ?? "").length;
    default:
      // Images and files are priced by the provider in ways characters cannot predict.
      return 0;
  }
}

/**
 * A quick, tokenizer-free guess of the tokens a call will use, for rate limiting before the call:
 * a quarter of the characters of every message's text, tool calls and tool results, plus
 * `maxOutputTokens` (or 256 when unset). The rate limiter corrects it from real usage afterwards.
 */
export function estimateRequestTokens(request: ModelRequest): number {
  let chars = 0;
  for (const message of request.messages) for (const part of partsOf(message)) chars += charsOf(part);
  return Math.ceil(chars / 4) + (request.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS);
}
