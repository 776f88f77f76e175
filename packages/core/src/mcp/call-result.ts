import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import type { FilePart, ImagePart, TextPart } from "../messages.js";
import type { Isolate } from "./isolate.js";

/** The parts a tool result or resource maps to in core's message model. */
export type McpPart = TextPart | ImagePart | FilePart;

/** A tool call's result in core's terms. */
export interface McpCallResult {
  /** Every content block as a core part; text already passed through the isolation hook. */
  parts: McpPart[];
  /** The tool's structured result (`structuredContent`), when it returned one. */
  structured?: Record<string, unknown>;
  /** True when the server reported that the tool failed. */
  isError: boolean;
  /** What a model reads (see `resultText`), isolated. */
  text: string;
}

/** The byte length of base64 data, for descriptions of binary parts. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** Maps MCP content blocks to core parts: text, images, audio and blobs as files, links as text. */
export function contentToParts(blocks: readonly ContentBlock[], isolate: Isolate): McpPart[] {
  return blocks.map((block): McpPart => {
    switch (block.type) {
      case "text":
        return { type: "text", text: isolate(block.text) };
      case "image":
        return { type: "image", mediaType: block.mimeType, data: block.data };
      case "audio":
        return { type: "file", mediaType: block.mimeType, data: block.data };
      case "resource_link":
        return { type: "text", text: isolate(`Resource ${block.name}: ${block.uri}`) };
      case "resource": {
        const r = block.resource;
        if ("text" in r && typeof r.text === "string") return { type: "text", text: isolate(r.text) };
        return {
          type: "file",
          mediaType: r.mimeType ?? "application/octet-stream",
          data: String((r as { blob: string }).blob),
          filename: r.uri,
        };
      }
      default:
        return { type: "text", text: isolate(JSON.stringify(block)) };
    }
  });
}

/** Maps an MCP `tools/call` result to core parts, keeping structured content and the error flag. */
export function toCallResult(result: CallToolResult, isolate: Isolate): McpCallResult {
  const parts = contentToParts(result.content ?? [], isolate);
  const structured = result.structuredContent;
  return {
    parts,
    ...(structured !== undefined ? { structured } : {}),
    isError: result.isError === true,
    text: resultText(parts, structured, isolate),
  };
}

/**
 * The text a model reads for a result: text parts joined by newlines, the structured content
 * as JSON when there is no text, and a one-line description of each image or file (their bytes
 * are in `parts`; providers take tool results as text).
 */
function resultText(parts: McpPart[], structured: unknown, isolate: Isolate): string {
  const texts = parts.filter((p): p is TextPart => p.type === "text").map((p) => p.text);
  const lines =
    texts.length === 0 && structured !== undefined ? [isolate(JSON.stringify(structured))] : texts;
  for (const part of parts)
    if (part.type !== "text")
      lines.push(
        `[${part.type} ${part.mediaType}${part.type === "file" && part.filename ? ` ${part.filename}` : ""}, ${part.data ? base64Bytes(part.data) : 0} bytes, not shown as text]`,
      );
  return lines.join("\n");
}
