import type { Metadata } from "@keel/core/search";
import { checkDocument } from "../chunkers/check-document.js";
import type { RagDocument } from "../types.js";
import { decodeText } from "./decode-text.js";

const FRONT_MATTER = /^---\n[\s\S]*?\n---\n/;

/**
 * Loads Markdown as one document, keeping the text as written (so the Markdown chunker finds
 * its headings and offsets point into it); YAML front matter is dropped, and the first heading
 * becomes `metadata.title` unless one is given.
 */
export function loadMarkdown(id: string, input: string | Uint8Array, metadata: Metadata = {}): RagDocument {
  const text = decodeText(id, input).replace(/\r\n?/g, "\n").replace(FRONT_MATTER, "");
  const title = /^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1];
  const document = {
    id,
    text,
    metadata: title && metadata.title === undefined ? { title, ...metadata } : { ...metadata },
  };
  checkDocument(document);
  return document;
}
