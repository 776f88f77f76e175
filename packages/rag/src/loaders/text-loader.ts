import type { Metadata } from "@keel/core/search";
import { checkDocument } from "../chunkers/check-document.js";
import type { RagDocument } from "../types.js";
import { decodeText } from "./decode-text.js";

/** Loads plain text (a string or UTF-8 bytes) as one document; CRLF line ends become LF. */
export function loadText(id: string, input: string | Uint8Array, metadata: Metadata = {}): RagDocument {
  const document = { id, text: decodeText(id, input).replace(/\r\n?/g, "\n"), metadata: { ...metadata } };
  checkDocument(document);
  return document;
}
