import {
  type AssistantMessage,
  InvalidRequestError,
  type Message,
  partsOf,
  type ReasoningPart,
  type ToolCallPart,
  type UserPart,
} from "@keel/core";
import type {
  ResponseInputContent,
  ResponseInputItem,
  ResponseReasoningItem,
} from "openai/resources/responses/responses";
import { mediaUrlOf } from "../shared/data-url.js";
import type { SystemMessageRole } from "./chat-messages.js";
import { defaultFilename } from "./chat-messages.js";
import { PROVIDER } from "./errors.js";
import { argumentsText, toolResultText } from "./request-common.js";

/**
 * What Keel keeps in `providerMetadata.openai` of a Responses API reasoning part, and sends back
 * on the next turn: the reasoning item id and its encrypted content (requested with
 * `include: ["reasoning.encrypted_content"]` because requests are not stored).
 */
export interface OpenAIReasoningMetadata {
  itemId: string;
  encryptedContent?: string;
}

/** What Keel keeps in `providerMetadata.openai` of a Responses API tool call: the function_call item id. */
export interface OpenAIToolCallMetadata {
  itemId: string;
}

/** The OpenAI reasoning metadata of a part, when it came from the Responses API. */
export function reasoningMetadataOf(part: ReasoningPart): OpenAIReasoningMetadata | undefined {
  const meta = part.providerMetadata?.openai;
  return typeof meta?.itemId === "string" ? (meta as unknown as OpenAIReasoningMetadata) : undefined;
}

/**
 * Maps Keel messages to Responses API input items. Reasoning parts that came from the Responses
 * API are sent back as reasoning items (with their encrypted content), so the model keeps its
 * chain of thought across a tool loop; reasoning from other providers cannot be replayed and is
 * not sent.
 */
export function toResponsesInput(
  messages: Message[],
  systemRole: SystemMessageRole = "system",
): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  // Results of custom tool calls go back as custom_tool_call_output, not function_call_output.
  const customCalls = new Set<string>();
  for (const message of messages) {
    switch (message.role) {
      case "system":
        items.push({
          role: systemRole,
          content:
            typeof message.content === "string"
              ? message.content
              : message.content.map((p) => p.text).join(""),
        });
        break;
      case "user":
        items.push({
          role: "user",
          content:
            typeof message.content === "string" ? message.content : message.content.map(toInputContent),
        });
        break;
      case "assistant":
        items.push(...assistantItems(message, customCalls));
        break;
      case "tool":
        for (const part of message.content)
          items.push({
            type: customCalls.has(part.toolCallId) ? "custom_tool_call_output" : "function_call_output",
            call_id: part.toolCallId,
            output: toolResultText(part),
          });
        break;
    }
  }
  return items;
}

function assistantItems(message: AssistantMessage, customCalls: Set<string>): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  let text = "";
  const flushText = () => {
    if (text !== "") items.push({ role: "assistant", content: text });
    text = "";
  };
  for (const part of partsOf(message)) {
    if (part.type === "text") {
      text += part.text;
      continue;
    }
    flushText();
    if (part.type === "reasoning") {
      const item = reasoningItem(part);
      if (item) items.push(item);
    } else if (part.type === "tool-call") {
      if (part.providerMetadata?.openai?.kind === "custom") {
        customCalls.add(part.id);
        items.push(customToolCallItem(part));
      } else items.push(functionCallItem(part));
    }
  }
  flushText();
  return items;
}

function reasoningItem(part: ReasoningPart): ResponseReasoningItem | undefined {
  const meta = reasoningMetadataOf(part);
  if (!meta) return undefined;
  return {
    type: "reasoning",
    id: meta.itemId,
    summary: part.text ? [{ type: "summary_text", text: part.text }] : [],
    ...(meta.encryptedContent !== undefined ? { encrypted_content: meta.encryptedContent } : {}),
  };
}

function functionCallItem(part: ToolCallPart): ResponseInputItem {
  const itemId = part.providerMetadata?.openai?.itemId;
  return {
    type: "function_call",
    call_id: part.id,
    name: part.name,
    arguments: argumentsText(part),
    ...(typeof itemId === "string" ? { id: itemId } : {}),
  };
}

function customToolCallItem(part: ToolCallPart): ResponseInputItem {
  const itemId = part.providerMetadata?.openai?.itemId;
  return {
    type: "custom_tool_call",
    call_id: part.id,
    name: part.name,
    input:
      part.rawArguments ??
      (typeof part.arguments === "string" ? part.arguments : JSON.stringify(part.arguments)),
    ...(typeof itemId === "string" ? { id: itemId } : {}),
  };
}

function toInputContent(part: UserPart): ResponseInputContent {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image": {
      const url = mediaUrlOf(part);
      if (url === undefined)
        throw new InvalidRequestError("an image part needs `data` or `url`", { provider: PROVIDER });
      return { type: "input_image", image_url: url, detail: "auto" };
    }
    case "file": {
      if (part.data !== undefined)
        return {
          type: "input_file",
          file_data: mediaUrlOf(part)!,
          filename: part.filename ?? defaultFilename(part.mediaType),
        };
      if (part.url !== undefined)
        return {
          type: "input_file",
          file_url: part.url,
          ...(part.filename ? { filename: part.filename } : {}),
        };
      throw new InvalidRequestError("a file part needs `data` or `url`", { provider: PROVIDER });
    }
  }
}
