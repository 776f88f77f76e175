import type { Metadata, MetadataValue } from "@keel/core/search";
import { checkDocument } from "../chunkers/check-document.js";
import { DocumentError } from "../errors.js";
import type { RagDocument } from "../types.js";
import { decodeText } from "./decode-text.js";

/** Which fields of a JSON record make the document. */
export interface RecordFields {
  /** Field holding the record's id. Default "id" (then "_id"). */
  idField?: string;
  /** Fields joined (with a blank line) into the text, in order. Default ["title", "text"]. */
  textFields?: string[];
  /** Fields copied into metadata. Default: every other scalar or scalar-array field. */
  metadataFields?: string[];
}

function isMetadataValue(v: unknown): v is MetadataValue {
  return (
    v === null ||
    ["string", "number", "boolean"].includes(typeof v) ||
    (Array.isArray(v) && v.every((x) => ["string", "number", "boolean"].includes(typeof x)))
  );
}

/** Turns one parsed JSON record into a document; `where` names it in errors ("line 3") until its id is known. */
export function recordToDocument(record: unknown, fields: RecordFields, where: string): RagDocument {
  if (typeof record !== "object" || record === null || Array.isArray(record))
    throw new DocumentError(where, "record must be a JSON object");
  const r = record as Record<string, unknown>;
  const idField = fields.idField ?? (r.id !== undefined ? "id" : "_id");
  const rawId = r[idField];
  if ((typeof rawId !== "string" && typeof rawId !== "number") || String(rawId) === "")
    throw new DocumentError(where, `field "${idField}" (the id) is missing or not a string or number`);
  const id = String(rawId);
  const textFields = fields.textFields ?? ["title", "text"];
  const parts: string[] = [];
  for (const f of textFields) {
    const v = r[f];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") throw new DocumentError(id, `text field "${f}" is not a string`);
    parts.push(v);
  }
  const metadata: Record<string, MetadataValue> = {};
  const metaFields =
    fields.metadataFields ?? Object.keys(r).filter((k) => k !== idField && !textFields.includes(k));
  for (const f of metaFields) {
    const v = r[f];
    if (v === undefined) continue;
    if (!isMetadataValue(v)) {
      if (fields.metadataFields)
        throw new DocumentError(id, `metadata field "${f}" is not a scalar or an array of scalars`);
      continue;
    }
    metadata[f] = v;
  }
  const document = { id, text: parts.join("\n\n"), metadata: metadata as Metadata };
  checkDocument(document);
  return document;
}

/** Loads a JSON array of records (or one record) as documents. */
export function loadJson(
  input: string | Uint8Array,
  fields: RecordFields = {},
  sourceId = "json",
): RagDocument[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeText(sourceId, input));
  } catch (cause) {
    if (cause instanceof DocumentError) throw cause;
    throw new DocumentError(sourceId, `is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  return records.map((r, i) => recordToDocument(r, fields, `${sourceId}[${i}]`));
}

/** Loads JSON Lines (one record a line; blank lines skipped) as documents; an error names the line. */
export function loadJsonl(
  input: string | Uint8Array,
  fields: RecordFields = {},
  sourceId = "jsonl",
): RagDocument[] {
  const out: RagDocument[] = [];
  decodeText(sourceId, input)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (cause) {
        throw new DocumentError(
          `${sourceId} line ${i + 1}`,
          `is not valid JSON: ${(cause as Error).message}`,
          { cause },
        );
      }
      out.push(recordToDocument(record, fields, `${sourceId} line ${i + 1}`));
    });
  return out;
}
