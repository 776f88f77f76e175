import { InvalidRequestError } from "@keel/core";
import { compileFilter, type MetadataFilter } from "@keel/core/search";

type Condition = Record<string, unknown>;

/** A Qdrant filter object (must / should / must_not of field conditions). */
export interface QdrantFilter {
  must?: Condition[];
  should?: Condition[];
  must_not?: Condition[];
}

const key = (field: string) => (field === "documentId" ? "document_id" : `metadata.${field}`);

/**
 * Translates a metadata filter into a Qdrant filter with the same meaning (Qdrant matches an
 * array payload when any element matches, as the in-memory filter does). Ranges are numeric only
 * in Qdrant: a string bound is refused with `InvalidRequestError`.
 */
export function qdrantFilter(filter: MetadataFilter, fields: ReadonlySet<string>): QdrantFilter {
  compileFilter(filter, fields);
  const must: Condition[] = [];
  const mustNot: Condition[] = [];
  const match = (field: string, value: unknown): Condition => {
    if (value === null) return { is_null: { key: key(field) } };
    // Qdrant matches strings, integers and booleans exactly; other numbers by a closed range.
    if (typeof value === "number" && !Number.isInteger(value))
      return { key: key(field), range: { gte: value, lte: value } };
    return { key: key(field), match: { value } };
  };
  const any = (field: string, op: string, values: unknown): Condition => {
    const list = values as unknown[];
    const ok = list.every((v) => typeof v === "string") || list.every((v) => Number.isInteger(v));
    if (!ok)
      throw new InvalidRequestError(`filter: Qdrant's ${op} on "${field}" takes all strings or all integers`);
    return { key: key(field), match: { any: list } };
  };
  for (const [field, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (field === "$and") {
      for (const f of condition as MetadataFilter[]) must.push(qdrantFilter(f, fields) as Condition);
    } else if (field === "$or") {
      must.push({ should: (condition as MetadataFilter[]).map((f) => qdrantFilter(f, fields)) });
    } else if (field === "$not") {
      mustNot.push(qdrantFilter(condition as MetadataFilter, fields) as Condition);
    } else if (condition === null || typeof condition !== "object") {
      must.push(match(field, condition));
    } else {
      const range: Record<string, number> = {};
      for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
        if (operand === undefined) continue;
        if (op === "$eq") must.push(match(field, operand));
        else if (op === "$ne") mustNot.push(match(field, operand));
        else if (op === "$in") must.push(any(field, op, operand));
        else if (op === "$nin") mustNot.push(any(field, op, operand));
        else if (op === "$exists") (operand ? mustNot : must).push({ is_empty: { key: key(field) } });
        else {
          if (typeof operand !== "number")
            throw new InvalidRequestError(
              `filter: Qdrant ranges are numeric; ${op} on "${field}" got a ${typeof operand}`,
            );
          range[op.slice(1)] = operand;
        }
      }
      if (Object.keys(range).length > 0) must.push({ key: key(field), range });
    }
  }
  return { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) };
}
