import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import type { ContentPart } from "../messages.js";

/** True for an array of core text, image or file parts (what a tool returns to send media). */
function isParts(value: unknown): value is ContentPart[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (p) =>
        typeof p === "object" &&
        p !== null &&
        ["text", "image", "file"].includes((p as { type?: unknown }).type as string),
    )
  );
}

function toBlock(part: ContentPart): ContentBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  if (part.type === "image" && part.data) return { type: "image", mimeType: part.mediaType, data: part.data };
  if (part.type === "file" && part.data) {
    if (part.mediaType.startsWith("audio/"))
      return { type: "audio", mimeType: part.mediaType, data: part.data };
    return {
      type: "resource",
      resource: { uri: part.filename ?? "file:///unnamed", mimeType: part.mediaType, blob: part.data },
    };
  }
  if ((part.type === "image" || part.type === "file") && part.url)
    return { type: "resource_link", uri: part.url, name: part.url, mimeType: part.mediaType };
  return { type: "text", text: JSON.stringify(part) };
}

/**
 * What a Keel tool's return value becomes on the wire: a string as text; core parts as text,
 * image, audio or resource blocks; a plain object as `structuredContent` plus its JSON as text
 * (the spec asks for both); anything else as JSON text.
 */
export function toServedResult(value: unknown): CallToolResult {
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (isParts(value)) return { content: value.map(toBlock) };
  const text = JSON.stringify(value ?? null);
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return { content: [{ type: "text", text }], structuredContent: value as Record<string, unknown> };
  return { content: [{ type: "text", text }] };
}
