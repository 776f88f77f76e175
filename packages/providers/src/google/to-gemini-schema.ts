import { InvalidRequestError, type JsonSchema } from "@keel/core";
import type { GeminiSchema } from "./wire-types.js";

type Node = Record<string, unknown>;

/** Keys Gemini's schema subset accepts that carry over from JSON Schema unchanged. */
const COPIED_KEYS = [
  "title",
  "description",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "default",
  "example",
  "propertyOrdering",
] as const;

/** `format` values Gemini accepts, per type; other formats (email, uri, uuid, ...) are dropped. */
const FORMATS: Record<string, readonly string[]> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

/**
 * Converts a JSON Schema (e.g. from zod) to the OpenAPI 3.0 subset Gemini accepts for tool
 * `parameters` and `responseSchema`. `$ref`s into `$defs`/`definitions` are inlined, `allOf` is
 * merged, `oneOf` becomes `anyOf`, `const` becomes a one-value `enum`, and `null` in a type list
 * or union becomes `nullable: true`. Keys Gemini rejects (`$schema`, `additionalProperties`,
 * `exclusiveMinimum`, `multipleOf`, `uniqueItems`, `not`, `if`/`then`/`else`, `examples`, ...)
 * are removed; non-string `enum`/`const` values, which Gemini cannot express, are moved into the
 * description so the model still sees them. Recursive schemas throw `InvalidRequestError`.
 */
export function toGeminiSchema(schema: JsonSchema): GeminiSchema {
  const defs = { ...asNode(schema.definitions), ...asNode(schema.$defs) };
  return convert(schema, defs, []);
}

/** True for `{type: "object"}` with no properties: Gemini wants `parameters` left out then. */
export function isEmptyObjectSchema(schema: JsonSchema): boolean {
  const props = schema.properties;
  return (
    schema.type === "object" &&
    (props === undefined || (isNode(props) && Object.keys(props).length === 0)) &&
    schema.anyOf === undefined &&
    schema.oneOf === undefined &&
    schema.allOf === undefined &&
    schema.$ref === undefined
  );
}

function convert(input: unknown, defs: Node, refs: string[]): GeminiSchema {
  // `true` (anything) has no Gemini spelling narrower than "no constraint".
  if (input === true) return {};
  if (!isNode(input)) throw new InvalidRequestError(`unsupported JSON Schema node: ${JSON.stringify(input)}`);
  let node = input;

  if (typeof node.$ref === "string") {
    const ref = node.$ref;
    if (refs.includes(ref)) {
      throw new InvalidRequestError(
        `recursive schema ($ref "${ref}") cannot be expressed in Gemini's schema subset`,
      );
    }
    const { $ref: _, ...siblings } = node;
    return convert({ ...resolveRef(ref, defs), ...siblings }, defs, [...refs, ref]);
  }
  if (Array.isArray(node.allOf)) node = mergeAllOf(node, defs, refs);

  const out: GeminiSchema = {};
  for (const key of COPIED_KEYS) if (node[key] !== undefined) (out as Node)[key] = node[key];

  let types = (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]) as string[];
  let nullable = node.nullable === true || types.includes("null");
  types = types.filter((t) => t !== "null");
  for (const t of types)
    if (!TYPES.has(t)) throw new InvalidRequestError(`unsupported JSON Schema type "${t}"`);

  const union = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const members = union.filter((m) => !(isNode(m) && m.type === "null"));
    if (members.length < union.length) nullable = true;
    if (members.length === 1) {
      // `X | null` (how zod spells `.nullable()`): inline X, keeping this node's own description.
      for (const [key, value] of Object.entries(convert(members[0], defs, refs)))
        (out as Node)[key] ??= value;
    } else out.anyOf = members.map((m) => convert(m, defs, refs));
  }

  if (types.length > 1) {
    // A list of several types is a union of one branch per type.
    const { type: _, description: __, title: ___, nullable: ____, ...rest } = node;
    out.anyOf = types.map((t) => convert({ ...rest, type: t }, defs, refs));
  } else if (types.length === 1) {
    out.type = types[0] as GeminiSchema["type"];
  }

  if (addEnum(out, node)) nullable = true;
  if (typeof node.format === "string" && out.type && FORMATS[out.type]?.includes(node.format)) {
    out.format = node.format;
  }
  if (out.type !== undefined || out.anyOf === undefined) {
    if (isNode(node.properties)) {
      out.properties = Object.fromEntries(
        Object.entries(node.properties).map(([k, v]) => [k, convert(v, defs, refs)]),
      );
    }
    if (Array.isArray(node.required) && node.required.length > 0) out.required = node.required as string[];
    const items = node.items ?? node.prefixItems;
    if (Array.isArray(items)) {
      // Tuples have no Gemini spelling: any listed item type, with the length pinned.
      out.items = { anyOf: items.map((i) => convert(i, defs, refs)) };
      out.minItems ??= items.length;
      out.maxItems ??= items.length;
    } else if (items !== undefined) {
      out.items = convert(items, defs, refs);
    }
  }
  if (nullable) out.nullable = true;
  return out;
}

/** Sets `enum` (or describes it); returns true when `null` was one of the values. */
function addEnum(out: GeminiSchema, node: Node): boolean {
  const listed = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (listed === undefined) return false;
  // `null` among the values is what `nullable` says.
  const values = listed.filter((v) => v !== null);
  if (values.length > 0 && values.every((v) => typeof v === "string")) {
    out.enum = values as string[];
    out.type ??= "string";
  } else if (values.length > 0) {
    // Gemini enums are strings only; keep the constraint visible to the model in the description.
    const allowed = `Allowed values: ${values.map((v) => JSON.stringify(v)).join(", ")}.`;
    out.description = out.description ? `${out.description} ${allowed}` : allowed;
  }
  return values.length < listed.length;
}

function mergeAllOf(node: Node, defs: Node, refs: string[]): Node {
  const { allOf, ...rest } = node;
  const merged: Node = { ...rest };
  for (const member of allOf as unknown[]) {
    const part =
      isNode(member) && typeof member.$ref === "string" ? convertRefTarget(member, defs, refs) : member;
    if (!isNode(part)) throw new InvalidRequestError("allOf members must be schema objects");
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isNode(value)) {
        merged.properties = { ...asNode(merged.properties), ...value };
      } else if (key === "required" && Array.isArray(value)) {
        merged.required = [...new Set([...((merged.required as string[]) ?? []), ...value])];
      } else if (key === "type" && merged.type !== undefined && merged.type !== value) {
        throw new InvalidRequestError(
          `allOf mixes types ${JSON.stringify(merged.type)} and ${JSON.stringify(value)}`,
        );
      } else {
        merged[key] ??= value;
      }
    }
  }
  return merged;
}

function convertRefTarget(member: Node, defs: Node, refs: string[]): Node {
  const ref = member.$ref as string;
  if (refs.includes(ref)) {
    throw new InvalidRequestError(
      `recursive schema ($ref "${ref}") cannot be expressed in Gemini's schema subset`,
    );
  }
  return resolveRef(ref, defs);
}

function resolveRef(ref: string, defs: Node): Node {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  const target = match
    ? defs[decodeURIComponent(match[1]!).replace(/~1/g, "/").replace(/~0/g, "~")]
    : undefined;
  if (!isNode(target)) throw new InvalidRequestError(`cannot resolve JSON Schema $ref "${ref}"`);
  return target;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): Node {
  return isNode(value) ? value : {};
}
