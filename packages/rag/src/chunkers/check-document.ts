import { DocumentError } from "../errors.js";
import type { RagDocument } from "../types.js";

/** Largest document text accepted by default: 20 million UTF-16 code units (about 40 MB). */
export const MAX_DOCUMENT_CHARS = 20_000_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses a document that cannot be indexed: no id, text not a string, empty, too large, lone surrogates. */
export function checkDocument(document: RagDocument, maxChars = MAX_DOCUMENT_CHARS): void {
  if (typeof document?.id !== "string" || document.id.length === 0)
    throw new DocumentError(String(document?.id ?? "(none)"), "id must be a non-empty string");
  if (typeof document.text !== "string") throw new DocumentError(document.id, "text must be a string");
  if (document.text.trim().length === 0) throw new DocumentError(document.id, "text is empty");
  if (document.text.length > maxChars)
    throw new DocumentError(
      document.id,
      `text has ${document.text.length} characters, more than the limit of ${maxChars}`,
    );
  if (LONE_SURROGATE.test(document.text))
    throw new DocumentError(document.id, "text is not valid Unicode (it has a lone surrogate)");
}
