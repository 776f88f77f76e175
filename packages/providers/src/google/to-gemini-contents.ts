import {
  type AssistantPart,
  type FilePart,
  type ImagePart,
  InvalidRequestError,
  type Message,
  type ProviderMetadata,
  partsOf,
  type ToolResultPart,
} from "@keel/core";
import type { GeminiContent, GeminiPart } from "./wire-types.js";

/**
 * Maps Keel messages to Gemini `contents` plus one `systemInstruction`. All system messages, in
 * order, become the parts of the single system instruction Gemini supports. Users map to role
 * `user`, assistants to `model`, and tool messages to a `user` content of `functionResponse` parts
 * (the role the Gemini API documents for function results). Thought signatures kept in
 * `providerMetadata.google.thoughtSignature` are sent back on the same part.
 */
export function toGeminiContents(messages: Message[]): {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
} {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        for (const part of partsOf(message)) if (part.type === "text") system.push({ text: part.text });
        return;
      case "user":
        contents.push({ role: "user", parts: nonEmpty(index, partsOf(message).map(userPart)) });
        return;
      case "assistant":
        contents.push({
          role: "model",
          parts: nonEmpty(index, (partsOf(message) as AssistantPart[]).map(modelPart)),
        });
        return;
      case "tool":
        contents.push({ role: "user", parts: nonEmpty(index, message.content.map(functionResponse)) });
        return;
      default:
        throw new InvalidRequestError(`unknown message role "${(message as { role: string }).role}"`);
    }
  });
  if (contents.length === 0) {
    throw new InvalidRequestError("Gemini needs at least one user, assistant or tool message");
  }
  return system.length > 0
    ? { systemInstruction: { role: "system", parts: system }, contents }
    : { contents };
}

/** The Gemini thought signature carried on a part, if any. */
export function thoughtSignatureOf(metadata: ProviderMetadata | undefined): string | undefined {
  const value = metadata?.google?.thoughtSignature;
  return typeof value === "string" ? value : undefined;
}

function nonEmpty(index: number, parts: GeminiPart[]): GeminiPart[] {
  if (parts.length === 0) throw new InvalidRequestError(`message ${index} has no content parts`);
  return parts;
}

function userPart(part: ReturnType<typeof partsOf>[number]): GeminiPart {
  switch (part.type) {
    case "text":
      return { text: part.text };
    case "image":
    case "file":
      return mediaPart(part);
    default:
      throw new InvalidRequestError(`a user message cannot contain a "${part.type}" part`);
  }
}

function modelPart(part: AssistantPart): GeminiPart {
  const signature = thoughtSignatureOf(part.providerMetadata);
  const signed = signature === undefined ? {} : { thoughtSignature: signature };
  switch (part.type) {
    case "text":
      return { text: part.text, ...signed };
    case "reasoning":
      return { text: part.text, thought: true, ...signed };
    case "tool-call":
      return { functionCall: { name: part.name, args: argsObject(part.name, part.arguments) }, ...signed };
    default:
      throw new InvalidRequestError(
        `an assistant message cannot contain a "${(part as { type: string }).type}" part`,
      );
  }
}

/** Inline base64 data becomes `inlineData`; `data:` URLs are unpacked; other URLs become `fileData`. */
function mediaPart(part: ImagePart | FilePart): GeminiPart {
  if (part.data !== undefined) return { inlineData: { mimeType: part.mediaType, data: part.data } };
  if (part.url !== undefined) {
    const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(part.url);
    if (dataUrl) return { inlineData: { mimeType: dataUrl[1] ?? part.mediaType, data: dataUrl[2]! } };
    return { fileData: { mimeType: part.mediaType, fileUri: part.url } };
  }
  throw new InvalidRequestError(`an ${part.type} part needs either "data" or "url"`);
}

/**
 * `functionResponse.response` must be a JSON object. Object results go as they are; anything else
 * is wrapped as `{ result }`, and failed calls as `{ error }`, the keys Gemini's docs use.
 */
function functionResponse(part: ToolResultPart): GeminiPart {
  const value = part.result;
  const response = part.isError
    ? { error: value }
    : typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { result: value };
  return { functionResponse: { name: part.name, response } };
}

function argsObject(name: string, args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args === "object" && !Array.isArray(args)) return args as Record<string, unknown>;
  throw new InvalidRequestError(`tool call "${name}" has arguments that are not a JSON object`);
}
