import { InvalidRequestError } from "@keel/core";
import { compileFilter, type MetadataFilter } from "@keel/core/search";

/**
 * Translates a metadata filter into a PostgreSQL condition over a `metadata jsonb` column (and
 * the `document_id` column for `documentId`), with the same meaning as the in-memory filter: a
 * field holding an array matches when any element does. Values go in as parameters, starting at
 * `$firstParam`; field names are checked against `fields` and passed as parameters too.
 */
export function sqlFilter(
  filter: MetadataFilter,
  fields: ReadonlySet<string>,
  firstParam: number,
): { sql: string; params: unknown[] } {
  compileFilter(filter, fields); // validates shape and field names with core's rules
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const elements = (field: string) =>
    field === "documentId"
      ? "jsonb_array_elements(jsonb_build_array(to_jsonb(document_id)))"
      : `jsonb_array_elements(CASE WHEN jsonb_typeof(metadata->${p(field)}) = 'array' THEN metadata->${p(field)} WHEN metadata ? ${p(field)} THEN jsonb_build_array(metadata->${p(field)}) ELSE '[]'::jsonb END)`;
  const any = (field: string, test: (e: string) => string) =>
    `EXISTS (SELECT 1 FROM ${elements(field)} AS e(v) WHERE ${test("e.v")})`;

  const fieldSql = (field: string, condition: unknown): string => {
    if (condition === null || typeof condition !== "object")
      return any(field, (e) => `${e} = ${p(JSON.stringify(condition))}::jsonb`);
    const parts: string[] = [];
    for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
      if (operand === undefined) continue;
      switch (op) {
        case "$eq":
          parts.push(any(field, (e) => `${e} = ${p(JSON.stringify(operand))}::jsonb`));
          break;
        case "$ne":
          parts.push(`NOT ${any(field, (e) => `${e} = ${p(JSON.stringify(operand))}::jsonb`)}`);
          break;
        case "$in":
          parts.push(
            any(
              field,
              (e) => `${e} <@ ${p(JSON.stringify(operand))}::jsonb AND jsonb_typeof(${e}) <> 'array'`,
            ),
          );
          break;
        case "$nin":
          parts.push(
            `NOT ${any(field, (e) => `${e} <@ ${p(JSON.stringify(operand))}::jsonb AND jsonb_typeof(${e}) <> 'array'`)}`,
          );
          break;
        case "$exists":
          parts.push(`${operand ? "" : "NOT "}${any(field, (e) => `${e} <> 'null'::jsonb`)}`);
          break;
        case "$gt":
        case "$gte":
        case "$lt":
        case "$lte": {
          const cmp = { $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" }[op];
          parts.push(
            typeof operand === "number"
              ? any(
                  field,
                  (e) =>
                    `jsonb_typeof(${e}) = 'number' AND (${e} #>> '{}')::float8 ${cmp} ${p(operand)}::float8`,
                )
              : any(
                  field,
                  (e) =>
                    `jsonb_typeof(${e}) = 'string' AND (${e} #>> '{}') COLLATE "C" ${cmp} ${p(operand)}::text`,
                ),
          );
          break;
        }
        default:
          throw new InvalidRequestError(`filter: unknown operator "${op}" on field "${field}"`);
      }
    }
    return parts.length ? `(${parts.join(" AND ")})` : "TRUE";
  };

  const walk = (f: MetadataFilter): string => {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(f)) {
      if (value === undefined) continue;
      if (key === "$and") parts.push(`(${(value as MetadataFilter[]).map(walk).join(" AND ") || "TRUE"})`);
      else if (key === "$or")
        parts.push(`(${(value as MetadataFilter[]).map(walk).join(" OR ") || "FALSE"})`);
      else if (key === "$not") parts.push(`NOT ${walk(value as MetadataFilter)}`);
      else parts.push(fieldSql(key, value));
    }
    return parts.length ? `(${parts.join(" AND ")})` : "TRUE";
  };
  return { sql: walk(filter), params };
}
