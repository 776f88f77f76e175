/** Provider-specific data carried on a part so it can be sent back unchanged (signatures, encrypted reasoning). */
export type ProviderMetadata = Record<string, Record<string, unknown>>;

/** Plain text. `cache` marks a provider prompt-cache breakpoint after this part. */
export interface TextPart {
  type: "text";
  text: string;
  cache?: boolean;
  providerMetadata?: ProviderMetadata;
}

/** An image given inline (base64 `data`) or by `url`. */
export interface ImagePart {
  type: "image";
  mediaType: string;
  data?: string;
  url?: string;
}

/** A document (PDF, audio, ...) given inline (base64 `data`) or by `url`. */
export interface FilePart {
  type: "file";
  mediaType: string;
  data?: string;
  url?: string;
  filename?: string;
}

/** A call the model asked for. `arguments` is parsed JSON; `rawArguments` is the text the model produced. */
export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  arguments: unknown;
  rawArguments?: string;
  /** Set when `rawArguments` is not valid JSON; `arguments` is then undefined. */
  argumentsError?: string;
  providerMetadata?: ProviderMetadata;
}

/** The outcome of a tool call, sent back to the model. */
export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  name: string;
  result: unknown;
  isError?: boolean;
}

/** Model reasoning ("thinking"). `signature` / `redactedData` must round-trip unchanged to the provider. */
export interface ReasoningPart {
  type: "reasoning";
  text: string;
  signature?: string;
  redactedData?: string;
  providerMetadata?: ProviderMetadata;
}

export type UserPart = TextPart | ImagePart | FilePart;
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;
export type ContentPart = TextPart | ImagePart | FilePart | ToolCallPart | ToolResultPart | ReasoningPart;

export interface SystemMessage {
  role: "system";
  content: string | TextPart[];
}
export interface UserMessage {
  role: "user";
  content: string | UserPart[];
}
export interface AssistantMessage {
  role: "assistant";
  content: string | AssistantPart[];
}
export interface ToolMessage {
  role: "tool";
  content: ToolResultPart[];
}

/** One normalized message shape for every provider. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** The parts of a message, with string content expanded to one text part. */
export function partsOf(message: Message): ContentPart[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
}

/** The concatenated text parts of a message. */
export function textOf(message: Message): string {
  let out = "";
  for (const part of partsOf(message)) if (part.type === "text") out += part.text;
  return out;
}
