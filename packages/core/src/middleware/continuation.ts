import type { Message } from "../messages.js";
import type { Model, ModelRequest } from "../model.js";

/**
 * The user turn appended after the partial answer for models that cannot continue an assistant
 * message by themselves.
 */
export const CONTINUE_INSTRUCTION =
  "Your previous reply was cut off. Continue it exactly where it stopped, starting with the very next " +
  "character. Do not repeat any text you already wrote and add no preamble or commentary.";

/**
 * Builds the request that asks `next` to continue `partialText`, the answer a failed model had
 * already streamed to the caller. `request` is the caller's original request.
 */
export type ContinuationBuilder = (request: ModelRequest, partialText: string, next: Model) => ModelRequest;

/** Providers that treat a trailing assistant message as the start of their own answer ("prefill"). */
const PREFILL_PROVIDERS: ReadonlySet<string> = new Set(["anthropic"]);

/**
 * The default continuation request: the original messages plus an assistant message holding the
 * partial text, then (except for prefill providers, which continue the assistant turn directly) a
 * user instruction to continue without repeating. A trailing assistant message in the original
 * request (the caller's own prefill) is extended rather than followed by a second one.
 */
export const buildContinuationRequest: ContinuationBuilder = (request, partialText, next) => {
  const prefill = PREFILL_PROVIDERS.has(next.provider);
  // Anthropic rejects a final assistant turn that ends in whitespace; the overlap step restores it.
  const partial = prefill ? partialText.trimEnd() : partialText;
  if (partial === "") return request;
  const messages = withAssistantText(request.messages, partial);
  if (!prefill) messages.push({ role: "user", content: CONTINUE_INSTRUCTION });
  return { ...request, messages };
};

function withAssistantText(messages: Message[], text: string): Message[] {
  const last = messages.at(-1);
  if (last?.role !== "assistant") return [...messages, { role: "assistant", content: text }];
  const content =
    typeof last.content === "string"
      ? last.content + text
      : [...last.content, { type: "text" as const, text }];
  return [...messages.slice(0, -1), { role: "assistant", content }];
}
