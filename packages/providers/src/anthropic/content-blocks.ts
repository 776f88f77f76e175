import type {
  CacheControlEphemeral,
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  TextBlockParam,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { AssistantPart, FilePart, ImagePart, TextPart, ToolResultPart, UserPart } from "@keel/core";
import { InvalidRequestError } from "@keel/core";

const PROVIDER = "anthropic";
const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
type ImageMediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

/** A text block, with a cache breakpoint when the part asks for one. Empty text gives none (the API rejects it). */
export function textBlock(part: TextPart, cache: CacheControlEphemeral): TextBlockParam | undefined {
  if (part.text === "") return undefined;
  return { type: "text", text: part.text, ...(part.cache ? { cache_control: cache } : {}) };
}

/** Maps one user part (text, image, PDF or plain-text file) to its Messages API block. */
export function userBlock(part: UserPart, cache: CacheControlEphemeral): ContentBlockParam | undefined {
  switch (part.type) {
    case "text":
      return textBlock(part, cache);
    case "image":
      return imageBlock(part);
    case "file":
      return part.mediaType.startsWith("image/")
        ? imageBlock({ type: "image", mediaType: part.mediaType, data: part.data, url: part.url })
        : documentBlock(part);
    default:
      throw unsupported(`a user part of type "${(part as { type: string }).type}"`);
  }
}

/**
 * Maps one assistant part to its block. Thinking goes back with its `signature` and redacted
 * thinking with its `data`, unchanged. Reasoning with neither (from another provider) cannot be
 * verified by Anthropic and is not sent.
 */
export function assistantBlock(
  part: AssistantPart,
  cache: CacheControlEphemeral,
): ContentBlockParam | undefined {
  switch (part.type) {
    case "text":
      return textBlock(part, cache);
    case "reasoning":
      if (part.redactedData !== undefined) return { type: "redacted_thinking", data: part.redactedData };
      if (part.signature !== undefined)
        return { type: "thinking", thinking: part.text, signature: part.signature };
      return undefined;
    case "tool-call":
      return {
        type: "tool_use",
        id: part.id,
        name: part.name,
        // A call whose JSON was cut off has no parsed arguments; the API needs an object.
        input: part.arguments ?? {},
      };
    default:
      throw unsupported(`an assistant part of type "${(part as { type: string }).type}"`);
  }
}

/** Maps a tool result to a `tool_result` block; non-string results are sent as JSON text. */
export function toolResultBlock(part: ToolResultPart): ToolResultBlockParam {
  const content = typeof part.result === "string" ? part.result : JSON.stringify(part.result);
  return {
    type: "tool_result",
    tool_use_id: part.toolCallId,
    ...(content !== undefined ? { content } : {}),
    ...(part.isError ? { is_error: true } : {}),
  };
}

function imageBlock(part: ImagePart): ImageBlockParam {
  const inline = inlineData(part);
  if (inline) {
    if (!IMAGE_TYPES.has(inline.mediaType))
      throw unsupported(`the image type "${inline.mediaType}" (Anthropic takes JPEG, PNG, GIF and WebP)`);
    return {
      type: "image",
      source: { type: "base64", media_type: inline.mediaType as ImageMediaType, data: inline.data },
    };
  }
  return { type: "image", source: { type: "url", url: requireUrl(part) } };
}

function documentBlock(part: FilePart): DocumentBlockParam {
  const title = part.filename !== undefined ? { title: part.filename } : {};
  const inline = inlineData(part);
  if (inline?.mediaType === "application/pdf")
    return {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: inline.data },
      ...title,
    };
  if (inline?.mediaType === "text/plain")
    return {
      type: "document",
      source: { type: "text", media_type: "text/plain", data: decodeBase64Utf8(inline.data) },
      ...title,
    };
  if (!inline && part.mediaType === "application/pdf")
    return { type: "document", source: { type: "url", url: requireUrl(part) }, ...title };
  throw unsupported(
    `the file type "${inline?.mediaType ?? part.mediaType}"${inline ? "" : " by URL"} (Anthropic takes PDF inline or by URL, plain text inline)`,
  );
}

/** The base64 payload of a part given inline, or as a `data:` URL. */
function inlineData(part: ImagePart | FilePart): { mediaType: string; data: string } | undefined {
  if (part.data !== undefined) return { mediaType: part.mediaType, data: part.data };
  const m = part.url === undefined ? null : /^data:([^;,]+);base64,(.*)$/s.exec(part.url);
  return m ? { mediaType: m[1]!, data: m[2]! } : undefined;
}

function requireUrl(part: ImagePart | FilePart): string {
  if (part.url === undefined)
    throw unsupported(`${part.type === "image" ? "an image" : "a file"} part with neither data nor url`);
  return part.url;
}

function decodeBase64Utf8(data: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
  } catch (cause) {
    throw new InvalidRequestError("a text/plain file part has data that is not valid base64", {
      provider: PROVIDER,
      cause,
    });
  }
}

function unsupported(what: string): InvalidRequestError {
  return new InvalidRequestError(`Anthropic does not accept ${what}`, { provider: PROVIDER });
}
