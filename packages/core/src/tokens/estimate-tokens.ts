import { type ContentPart, type Message, partsOf } from "../messages.js";
import type { ModelRequest } from "../model.js";
import { validateRequest } from "../validate-request.js";

/** Output tokens assumed when the request does not cap them. */
const DEFAULT_OUTPUT_TOKENS = 256;

/** A rough token count of a text (a quarter of its characters), where no tokenizer is at hand. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The text of a part as a model reads it, for counting: text and reasoning as they are, a tool
 * call as its name and arguments, a tool result as its value. Images and files are priced by the
 * provider in ways characters cannot predict, so they count as no text.
 */
export function partText(part: ContentPart): string {
  switch (part.type) {
    case "text":
    case "reasoning":
      return part.text;
    case "tool-call":
      return part.name + (part.rawArguments ?? JSON.stringify(part.arguments ?? null));
    case "tool-result":
      return typeof part.result === "string" ? part.result : (JSON.stringify(part.result) ?? "");
    default:
      return "";
  }
}

/** A message's text as `partText` reads each of its parts. */
export function messageText(message: Message): string {
  if (typeof message.content === "string") return message.content;
  return partsOf(message).map(partText).join("");
}

/**
 * A quick, tokenizer-free guess of the tokens a call will use, for rate limiting before the call:
 * a quarter of the characters of every message's text, tool calls and tool results, plus
 * `maxOutputTokens` (or 256 when unset). The rate limiter corrects it from real usage afterwards.
 */
export function estimateRequestTokens(request: ModelRequest): number {
  // Callers (rate limits, budgets) estimate before any model sees the request: refuse it typed here.
  validateRequest(request);
  let chars = 0;
  for (const message of request.messages) for (const part of partsOf(message)) chars += partText(part).length;
  return Math.ceil(chars / 4) + (request.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS);
}
