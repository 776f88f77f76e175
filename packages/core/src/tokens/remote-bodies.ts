import type { ContentPart, Message } from "../messages.js";
import type { ToolChoice } from "../model.js";
import type { CountableRequest } from "./message-tokens.js";

// Minimal request mappers for the count-tokens endpoints. They cover what a count needs
// (text, media, tool calls and results, tools); the full adapters live in @keel/providers.

const resultText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
const systemText = (messages: Message[]) =>
  messages
    .filter((m) => m.role === "system")
    .map((m) => (typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join("")))
    .join("\n\n");

function anthropicBlock(part: ContentPart): Record<string, unknown> | undefined {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
    case "file": {
      const type = part.type === "image" ? "image" : "document";
      const source = part.url
        ? { type: "url", url: part.url }
        : { type: "base64", media_type: part.mediaType, data: part.data };
      return { type, source };
    }
    case "tool-call":
      return { type: "tool_use", id: part.id, name: part.name, input: part.arguments ?? {} };
    case "tool-result":
      return {
        type: "tool_result",
        tool_use_id: part.toolCallId,
        content: resultText(part.result),
        ...(part.isError ? { is_error: true } : {}),
      };
    case "reasoning":
      return part.signature
        ? { type: "thinking", thinking: part.text, signature: part.signature }
        : undefined;
  }
}

function anthropicToolChoice(choice: ToolChoice | undefined): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === "object") return { type: "tool", name: choice.name };
  return { type: choice === "required" ? "any" : choice };
}

/** The body of Anthropic's POST /v1/messages/count_tokens for a Keel request. */
export function anthropicCountBody(request: CountableRequest, model: string): Record<string, unknown> {
  const system = systemText(request.messages);
  const messages = request.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({
      role: m.role === "assistant" ? "assistant" : "user",
      content: (typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content)
        .map((p) => anthropicBlock(p))
        .filter((b) => b !== undefined),
    }));
  const toolChoice = anthropicToolChoice(request.toolChoice);
  return {
    model,
    messages,
    ...(system ? { system } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            name: t.name,
            ...(t.description ? { description: t.description } : {}),
            input_schema: t.inputSchema,
          })),
        }
      : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
  };
}

function geminiPart(part: ContentPart): Record<string, unknown> | undefined {
  switch (part.type) {
    case "text":
      return { text: part.text };
    case "image":
    case "file":
      return part.url
        ? { fileData: { mimeType: part.mediaType, fileUri: part.url } }
        : { inlineData: { mimeType: part.mediaType, data: part.data } };
    case "tool-call":
      return { functionCall: { name: part.name, args: part.arguments ?? {} } };
    case "tool-result":
      return { functionResponse: { name: part.name, response: { result: part.result } } };
    case "reasoning":
      return undefined;
  }
}

/** The body of Gemini's POST models/{model}:countTokens for a Keel request (as a full generate request). */
export function geminiCountBody(request: CountableRequest, model: string): Record<string, unknown> {
  const system = systemText(request.messages);
  const contents = request.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({
      role: m.role === "assistant" ? "model" : "user",
      parts: (typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content)
        .map((p) => geminiPart(p))
        .filter((p) => p !== undefined),
    }));
  return {
    generateContentRequest: {
      model: `models/${model}`,
      contents,
      ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
      ...(request.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: request.tools.map((t) => ({
                  name: t.name,
                  ...(t.description ? { description: t.description } : {}),
                  parameters: t.inputSchema,
                })),
              },
            ],
          }
        : {}),
    },
  };
}
