import type { AssistantPart, ContentPart, Message } from "../messages.js";
import type { FinishReason } from "../model.js";

/** A message part in the GenAI conventions' JSON schema (gen-ai-input-messages.json). */
type GenAiPart = Record<string, unknown> & { type: string };

/** The GenAI finish reason for a Keel one (`tool-calls` → `tool_call`, and so on). */
export function genAiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "tool-calls":
      return "tool_call";
    case "content-filter":
      return "content_filter";
    default:
      return reason;
  }
}

const modalityOf = (mediaType: string) => mediaType.split("/")[0] ?? mediaType;

function partOf(part: ContentPart): GenAiPart {
  switch (part.type) {
    case "text":
      return { type: "text", content: part.text };
    case "reasoning":
      return { type: "reasoning", content: part.text };
    case "tool-call":
      return { type: "tool_call", id: part.id, name: part.name, arguments: part.arguments };
    case "tool-result":
      return { type: "tool_call_response", id: part.toolCallId, result: part.result };
    case "image":
    case "file":
      return part.url !== undefined
        ? { type: "uri", modality: modalityOf(part.mediaType), mime_type: part.mediaType, uri: part.url }
        : {
            type: "blob",
            modality: modalityOf(part.mediaType),
            mime_type: part.mediaType,
            content: part.data,
          };
  }
}

const partsOf = (message: Message): GenAiPart[] =>
  typeof message.content === "string"
    ? [{ type: "text", content: message.content }]
    : message.content.map((p: ContentPart) => partOf(p));

/** `gen_ai.system_instructions` and `gen_ai.input.messages` for a (captured, redacted) prompt. */
export function genAiInput(messages: Message[]): {
  system: GenAiPart[];
  input: Array<{ role: string; parts: GenAiPart[] }>;
} {
  const system: GenAiPart[] = [];
  const input: Array<{ role: string; parts: GenAiPart[] }> = [];
  for (const m of messages) {
    if (m.role === "system") system.push(...partsOf(m));
    else input.push({ role: m.role, parts: partsOf(m) });
  }
  return { system, input };
}

/** `gen_ai.output.messages` for a (captured, redacted) answer: one assistant choice. */
export function genAiOutput(parts: AssistantPart[], finishReason: FinishReason) {
  return [{ role: "assistant", parts: parts.map(partOf), finish_reason: genAiFinishReason(finishReason) }];
}
