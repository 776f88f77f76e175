import type { Metadata } from "@keel/core/search";
import { contentHash } from "../content-hash.js";
import type { Chunk, RagDocument } from "../types.js";
import { checkDocument } from "./check-document.js";

/** A character range of a document and the headings above it. */
export interface Span {
  start: number;
  end: number;
  headingPath?: string[];
}

/** Turns spans into chunks with content-hash ids; whitespace-only spans are skipped and edges trimmed. */
export function buildChunks(document: RagDocument, spans: Span[]): Chunk[] {
  checkDocument(document);
  const metadata: Metadata = document.metadata ?? {};
  const out: Chunk[] = [];
  for (const span of spans) {
    let { start, end } = span;
    while (start < end && /\s/.test(document.text[start]!)) start++;
    while (end > start && /\s/.test(document.text[end - 1]!)) end--;
    if (end <= start) continue;
    const text = document.text.slice(start, end);
    out.push({
      id: contentHash(document.id, String(start), text).slice(0, 32),
      documentId: document.id,
      text,
      start,
      end,
      headingPath: span.headingPath ?? [],
      index: out.length,
      metadata,
    });
  }
  return out;
}
