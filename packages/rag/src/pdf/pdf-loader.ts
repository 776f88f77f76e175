import { InvalidRequestError } from "@keel/core";
import type { Metadata } from "@keel/core/search";
import { checkDocument } from "../chunkers/check-document.js";
import { DocumentError } from "../errors.js";
import type { RagDocument } from "../types.js";

/**
 * Loads a PDF's text as one document with `unpdf` (Mozilla's pdf.js in a build for every
 * runtime; an optional peer dependency). Pages are joined with a blank line and
 * `metadata.pageStarts` holds each page's offset in the text, so `pageOf` turns a chunk's
 * offset into a page number for citations. A PDF without extractable text (a scan) is refused.
 */
export async function loadPdf(id: string, bytes: Uint8Array, metadata: Metadata = {}): Promise<RagDocument> {
  if (!(bytes instanceof Uint8Array))
    throw new DocumentError(id, "a PDF must be given as bytes (Uint8Array)");
  let unpdf: typeof import("unpdf");
  try {
    unpdf = await import("unpdf");
  } catch (cause) {
    throw new InvalidRequestError("loadPdf needs the optional dependency unpdf: npm install unpdf", {
      cause,
    });
  }
  let pages: string[];
  try {
    // pdf.js takes ownership of the buffer it is given, so it gets a copy.
    const pdf = await unpdf.getDocumentProxy(bytes.slice());
    pages = (await unpdf.extractText(pdf, { mergePages: false })).text;
  } catch (cause) {
    throw new DocumentError(id, `is not a readable PDF: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  const pageStarts: number[] = [];
  let text = "";
  for (const page of pages) {
    if (text) text += "\n\n";
    pageStarts.push(text.length);
    text += page;
  }
  if (text.trim() === "")
    throw new DocumentError(id, "the PDF has no extractable text (a scanned image needs OCR first)");
  const document = { id, text, metadata: { ...metadata, pages: pages.length, pageStarts } };
  checkDocument(document);
  return document;
}

/** The 1-based page of a character offset in a document loaded by `loadPdf`. */
export function pageOf(metadata: Metadata, offset: number): number {
  const starts = metadata.pageStarts;
  if (!Array.isArray(starts))
    throw new InvalidRequestError("pageOf: the metadata has no pageStarts (not from loadPdf)");
  let page = 1;
  for (let i = 0; i < starts.length; i++) if ((starts[i] as number) <= offset) page = i + 1;
  return page;
}
