import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { type AssistantPart, type ModelResponse, OutputParseError, type ToolCallPart } from "@keel/core";
import { toFinishReason } from "./finish-reason.js";
import { toUsage } from "./usage.js";

export interface ResponseContext {
  requestedModel: string;
  /** The `request-id` response header; the message id stands in when it is missing. */
  requestId?: string | null;
  /** The forced JSON tool, whose input is the answer text. */
  jsonToolName?: string;
  startedAt: number;
}

/** Maps a complete (non-streamed) Anthropic `Message` to a Keel response. */
export function toModelResponse(message: Message, context: ResponseContext): ModelResponse {
  if (typeof message !== "object" || message === null || !Array.isArray(message.content))
    throw new OutputParseError("Anthropic answered with a body that is not a Message", {
      provider: "anthropic",
      body: message,
      retryable: true,
    });
  const content: AssistantPart[] = [];
  let answeredByJsonTool = false;
  for (const block of message.content) {
    if (block.type === "text") {
      if (block.text !== "") content.push({ type: "text", text: block.text });
    } else if (block.type === "thinking") {
      content.push({ type: "reasoning", text: block.thinking, signature: block.signature });
    } else if (block.type === "redacted_thinking") {
      content.push({ type: "reasoning", text: "", redactedData: block.data });
    } else if (block.type === "tool_use" && block.name === context.jsonToolName) {
      answeredByJsonTool = true;
      content.push({ type: "text", text: JSON.stringify(block.input) });
    } else if (block.type === "tool_use") {
      content.push({ type: "tool-call", id: block.id, name: block.name, arguments: block.input ?? {} });
    }
    // Server tool blocks have no Keel part; they stay in `raw`.
  }
  const stopReason = message.stop_reason ?? undefined;
  const requestId = context.requestId ?? message.id;
  const refusal = message.stop_details?.explanation ?? undefined;
  return {
    content,
    text: content.map((p) => (p.type === "text" ? p.text : "")).join(""),
    toolCalls: content.filter((p): p is ToolCallPart => p.type === "tool-call"),
    usage: toUsage(message.usage ?? {}),
    finishReason: answeredByJsonTool && stopReason === "tool_use" ? "stop" : toFinishReason(stopReason),
    ...(stopReason !== undefined ? { rawFinishReason: stopReason } : {}),
    ...(refusal !== undefined ? { refusal } : {}),
    provider: "anthropic",
    model: { requested: context.requestedModel, ...(message.model ? { served: message.model } : {}) },
    ...(requestId ? { requestId } : {}),
    timings: { totalMs: Date.now() - context.startedAt },
    raw: message,
  };
}
