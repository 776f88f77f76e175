import { InvalidRequestError } from "@keel/core";
import { checkMetadata } from "@keel/core/search";
import { DocumentError } from "../errors.js";
import type { ChunkRecord } from "../types.js";

/** Checks a tenant name: a non-empty string. */
export function checkTenant(tenant: unknown, where: string): string {
  if (typeof tenant !== "string" || tenant.length === 0)
    throw new InvalidRequestError(`${where}: tenant must be a non-empty string`);
  return tenant;
}

/**
 * Checks records before any is written, so a bad one refuses the whole batch: ids, text,
 * offsets, vector dimensions and finiteness, metadata shape (and declared fields, when given).
 */
export function checkRecords(
  records: readonly ChunkRecord[],
  dimensions: number,
  fields: ReadonlySet<string> | undefined,
): void {
  for (const r of records) {
    const doc = r?.documentId;
    if (typeof doc !== "string" || doc.length === 0)
      throw new InvalidRequestError("chunk without a documentId");
    if (typeof r.id !== "string" || r.id.length === 0) throw new DocumentError(doc, "a chunk has no id");
    if (typeof r.text !== "string") throw new DocumentError(doc, `chunk "${r.id}" has no text`);
    if (!(r.vector instanceof Float32Array) && !Array.isArray(r.vector))
      throw new DocumentError(doc, `chunk "${r.id}" has no vector`);
    if (r.vector.length !== dimensions)
      throw new DocumentError(
        doc,
        `chunk "${r.id}": vector has ${r.vector.length} dimensions, expected ${dimensions}`,
      );
    for (let i = 0; i < r.vector.length; i++)
      if (!Number.isFinite(r.vector[i]))
        throw new DocumentError(
          doc,
          `chunk "${r.id}": vector[${i}] is ${r.vector[i]}; every value must be finite`,
        );
    if ("documentId" in (r.metadata ?? {}))
      throw new DocumentError(doc, `chunk "${r.id}": metadata may not use the reserved field "documentId"`);
    try {
      checkMetadata(r.id, r.metadata, fields);
    } catch (cause) {
      throw new DocumentError(doc, (cause as Error).message, { cause });
    }
  }
}
