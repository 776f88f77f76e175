import { type AssistantMessage, InvalidRequestError, type Message, partsOf, type UserPart } from "@keel/core";
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import { base64Of, mediaUrlOf } from "../shared/data-url.js";
import { PROVIDER } from "./errors.js";
import { argumentsText, toolResultText } from "./request-common.js";

/** How system messages are sent: `system`, or `developer` as newer reasoning models prefer. */
export type SystemMessageRole = "system" | "developer";

/**
 * Maps Keel messages to Chat Completions messages. A tool message becomes one `tool` message per
 * result. Reasoning parts are not sent: Chat Completions has no way to take reasoning back (use
 * `openaiResponses` to carry reasoning across turns).
 */
export function toChatMessages(
  messages: Message[],
  systemRole: SystemMessageRole = "system",
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        out.push({
          role: systemRole,
          content:
            typeof message.content === "string"
              ? message.content
              : message.content.map((p) => ({ type: "text", text: p.text })),
        });
        break;
      case "user":
        out.push({
          role: "user",
          content:
            typeof message.content === "string" ? message.content : message.content.map(toUserContentPart),
        });
        break;
      case "assistant":
        out.push(toAssistantMessage(message));
        break;
      case "tool":
        for (const part of message.content)
          out.push({ role: "tool", tool_call_id: part.toolCallId, content: toolResultText(part) });
        break;
    }
  }
  return out;
}

function toAssistantMessage(message: AssistantMessage): ChatCompletionAssistantMessageParam {
  let text = "";
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const part of partsOf(message)) {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool-call")
      toolCalls.push({
        id: part.id,
        type: "function",
        function: { name: part.name, arguments: argumentsText(part) },
      });
  }
  return {
    role: "assistant",
    // OpenAI wants null content, not "", on a message that only calls tools.
    content: text === "" && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

const AUDIO_FORMATS: Record<string, "wav" | "mp3"> = {
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
};

function toUserContentPart(part: UserPart): ChatCompletionContentPart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image": {
      const url = mediaUrlOf(part);
      if (url === undefined) throw missingSource("image");
      return { type: "image_url", image_url: { url } };
    }
    case "file": {
      const audioFormat = AUDIO_FORMATS[part.mediaType];
      if (audioFormat !== undefined && part.data !== undefined)
        return { type: "input_audio", input_audio: { data: base64Of(part.data), format: audioFormat } };
      if (part.data === undefined)
        throw new InvalidRequestError(
          part.url === undefined
            ? "a file part needs `data` or `url`"
            : "Chat Completions takes files inline only: give the file part base64 `data`, or use openaiResponses(), which accepts file URLs",
          { provider: PROVIDER },
        );
      return {
        type: "file",
        file: { file_data: mediaUrlOf(part)!, filename: part.filename ?? defaultFilename(part.mediaType) },
      };
    }
  }
}

/** OpenAI requires a filename with inline file data. */
export function defaultFilename(mediaType: string): string {
  const subtype = mediaType.split("/")[1]?.split(";")[0];
  return subtype ? `file.${subtype}` : "file";
}

function missingSource(kind: string): InvalidRequestError {
  return new InvalidRequestError(`an ${kind} part needs \`data\` or \`url\``, { provider: PROVIDER });
}
