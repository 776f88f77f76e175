import { InvalidRequestError } from "../errors.js";
import type {
  Metadata,
  MetadataFilter,
  MetadataValue,
  Scalar,
  SearchFilter,
  SearchPredicate,
} from "./search-types.js";

export type { FieldCondition, MetadataFilter } from "./search-types.js";

const OPERATORS = new Set(["$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists"]);

function isScalar(value: unknown): value is Scalar {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function values(value: MetadataValue | undefined): readonly (string | number | boolean | null)[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as Scalar];
}

function compare(a: unknown, b: number | string): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function fieldMatcher(field: string, condition: unknown): (metadata: Metadata | undefined) => boolean {
  if (isScalar(condition)) return (m) => values(m?.[field]).some((v) => v === condition);
  if (typeof condition !== "object" || Array.isArray(condition))
    throw new InvalidRequestError(`filter: field "${field}" must be a value or an operator object`);
  const checks: Array<(vs: readonly Scalar[]) => boolean> = [];
  for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
    if (!OPERATORS.has(op))
      throw new InvalidRequestError(`filter: unknown operator "${op}" on field "${field}"`);
    if (operand === undefined) continue;
    switch (op) {
      case "$eq":
      case "$ne": {
        if (!isScalar(operand)) throw new InvalidRequestError(`filter: ${op} on "${field}" needs a scalar`);
        checks.push(op === "$eq" ? (vs) => vs.includes(operand) : (vs) => !vs.includes(operand));
        break;
      }
      case "$in":
      case "$nin": {
        if (!Array.isArray(operand) || !operand.every(isScalar))
          throw new InvalidRequestError(`filter: ${op} on "${field}" needs an array of scalars`);
        const set = new Set<Scalar>(operand);
        checks.push(op === "$in" ? (vs) => vs.some((v) => set.has(v)) : (vs) => !vs.some((v) => set.has(v)));
        break;
      }
      case "$exists": {
        if (typeof operand !== "boolean")
          throw new InvalidRequestError(`filter: $exists on "${field}" needs a boolean`);
        checks.push((vs) => vs.some((v) => v !== null) === operand);
        break;
      }
      default: {
        if ((typeof operand !== "number" || !Number.isFinite(operand)) && typeof operand !== "string")
          throw new InvalidRequestError(`filter: ${op} on "${field}" needs a finite number or a string`);
        const bound = operand;
        const test =
          op === "$gt"
            ? (c: number) => c > 0
            : op === "$gte"
              ? (c: number) => c >= 0
              : op === "$lt"
                ? (c: number) => c < 0
                : (c: number) => c <= 0;
        checks.push((vs) =>
          vs.some((v) => {
            const c = compare(v, bound);
            return c !== undefined && test(c);
          }),
        );
      }
    }
  }
  return (m) => {
    const vs = values(m?.[field]);
    return checks.every((check) => check(vs));
  };
}

/** The field names a metadata filter reads, for checking them against a schema. */
export function filterFields(filter: MetadataFilter): string[] {
  const out = new Set<string>();
  const walk = (f: MetadataFilter) => {
    for (const [key, value] of Object.entries(f)) {
      if (value === undefined) continue;
      if (key === "$and" || key === "$or") for (const sub of value as MetadataFilter[]) walk(sub);
      else if (key === "$not") walk(value as MetadataFilter);
      else out.add(key);
    }
  };
  walk(filter);
  return [...out];
}

/**
 * Compiles a metadata filter into a predicate, checking its shape once; when `fields` is given
 * a filter naming any other field is refused with `InvalidRequestError` naming that field.
 */
export function compileFilter(filter: SearchFilter, fields?: ReadonlySet<string>): SearchPredicate {
  if (typeof filter === "function") return filter;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter))
    throw new InvalidRequestError("filter: must be a metadata filter object or a predicate function");
  const parts: Array<(m: Metadata | undefined, id: string) => boolean> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value)) throw new InvalidRequestError(`filter: ${key} needs an array of filters`);
      const subs = value.map((f) => compileFilter(f as MetadataFilter, fields));
      parts.push(
        key === "$and" ? (m, id) => subs.every((s) => s(id, m)) : (m, id) => subs.some((s) => s(id, m)),
      );
    } else if (key === "$not") {
      const sub = compileFilter(value as MetadataFilter, fields);
      parts.push((m, id) => !sub(id, m));
    } else if (key.startsWith("$")) {
      throw new InvalidRequestError(`filter: unknown operator "${key}" at the top level`);
    } else {
      if (fields && !fields.has(key))
        throw new InvalidRequestError(
          `filter: unknown field "${key}" (known: ${[...fields].join(", ") || "none"})`,
        );
      const match = fieldMatcher(key, value);
      parts.push((m) => match(m));
    }
  }
  return (id, metadata) => parts.every((p) => p(metadata, id));
}

/** Checks metadata values are filterable (scalars or arrays of them); throws naming the item and field. */
export function checkMetadata(
  id: string,
  metadata: Metadata | undefined,
  fields?: ReadonlySet<string>,
): void {
  if (metadata === undefined) return;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
    throw new InvalidRequestError(`item "${id}": metadata must be an object`);
  for (const [field, value] of Object.entries(metadata)) {
    if (fields && !fields.has(field))
      throw new InvalidRequestError(`item "${id}": unknown metadata field "${field}"`);
    const ok = isScalar(value) || (Array.isArray(value) && value.every((v) => isScalar(v) && v !== null));
    if (!ok || (typeof value === "number" && !Number.isFinite(value)))
      throw new InvalidRequestError(
        `item "${id}": metadata field "${field}" must be a finite scalar or an array of scalars`,
      );
  }
}
