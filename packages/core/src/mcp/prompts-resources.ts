import type { GetPromptResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { AssistantPart, Message, UserPart } from "../messages.js";
import { contentToParts, type McpPart } from "./call-result.js";
import type { Isolate } from "./isolate.js";

/** Maps a resource's contents to parts: text isolated, images as image parts, other blobs as files. */
export function resourceParts(contents: ReadResourceResult["contents"], isolate: Isolate): McpPart[] {
  return contents.map((c): McpPart => {
    if ("text" in c && typeof c.text === "string") return { type: "text", text: isolate(c.text) };
    const mediaType = c.mimeType ?? "application/octet-stream";
    const data = String((c as { blob: string }).blob);
    return mediaType.startsWith("image/")
      ? { type: "image", mediaType, data }
      : { type: "file", mediaType, data, filename: c.uri };
  });
}

/**
 * Maps a prompt to messages. User turns keep every part; assistant turns take text only (core's
 * assistant parts have no images), so an assistant image or file becomes a line saying what it was.
 */
export function promptMessages(result: GetPromptResult, isolate: Isolate): Message[] {
  return result.messages.map((m): Message => {
    const parts = contentToParts([m.content], isolate);
    if (m.role === "user") return { role: "user", content: parts as UserPart[] };
    const text: AssistantPart[] = parts.map((p) =>
      p.type === "text"
        ? p
        : { type: "text", text: `[${p.type} ${p.mediaType} omitted from an assistant turn]` },
    );
    return { role: "assistant", content: text };
  });
}
