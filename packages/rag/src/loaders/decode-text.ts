import { DocumentError } from "../errors.js";

/** Decodes UTF-8 bytes strictly (a BOM is dropped); invalid UTF-8 is a `DocumentError` naming the document. */
export function decodeText(documentId: string, input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  if (!(input instanceof Uint8Array))
    throw new DocumentError(documentId, "input must be a string or UTF-8 bytes");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch (cause) {
    throw new DocumentError(documentId, "is not valid UTF-8", { cause });
  }
}
