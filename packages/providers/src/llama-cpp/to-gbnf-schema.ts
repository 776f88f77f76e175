import { InvalidRequestError, type JsonSchema } from "@keel/core";
import type { GbnfJsonSchema } from "node-llama-cpp";
import type { LlamaGbnfSchema } from "./public-types.js";

type Schema = Record<string, unknown>;
type Out = Record<string, unknown>;

const BASIC_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
const GRAMMAR_FORMATS = new Set(["date-time", "time", "date"]);

/** Any JSON value, spelled in the subset the grammar compiler understands. */
const ANY_VALUE: Out = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "object", additionalProperties: true },
    { type: "array" },
  ],
};

/**
 * Rewrites a JSON Schema into the subset node-llama-cpp compiles into a GBNF grammar. Why: the
 * compiler turns anything it does not know (`anyOf`, `{}`, `type: ["object", "null"]`, ...) into
 * "null" without a word, which would force wrong output. Constraints a grammar cannot enforce
 * (`pattern`, `minimum`, `format: "email"`, ...) are left out, so the grammar is looser than the
 * schema and callers still validate; what cannot be loosened safely fails with an `InvalidRequestError`.
 */
export function toGbnfSchema(schema: JsonSchema): LlamaGbnfSchema {
  return convert(schema, "#") as GbnfJsonSchema as LlamaGbnfSchema;
}

function convert(value: unknown, at: string): Out {
  if (value === true) return ANY_VALUE;
  if (value === false) fail(at, "`false` allows no value");
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(at, "is not a schema object");
  const schema = value as Schema;
  const described = (out: Out): Out =>
    typeof schema.description === "string" ? { ...out, description: schema.description } : out;

  if (schema.$ref !== undefined) return described(withDefs(schema, { $ref: ref(schema.$ref, at) }, at));
  if ("const" in schema) return described({ const: primitive(schema.const, `${at}/const`) });
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum)) fail(at, "`enum` must be an array");
    return described({ enum: schema.enum.map((item, i) => primitive(item, `${at}/enum/${i}`)) });
  }
  if (schema.allOf !== undefined) return convert(mergeSingleAllOf(schema, at), at);
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) {
    if (!Array.isArray(union) || union.length === 0) fail(at, "`anyOf` / `oneOf` must be a non-empty array");
    if (schema.type !== undefined || schema.properties !== undefined) {
      fail(
        at,
        "`anyOf` / `oneOf` next to `type` or `properties` is not supported; move them into each branch",
      );
    }
    const key = schema.anyOf !== undefined ? "anyOf" : "oneOf";
    return described(withDefs(schema, { oneOf: union.map((s, i) => convert(s, `${at}/${key}/${i}`)) }, at));
  }

  const type = schema.type ?? inferType(schema);
  if (type === undefined) return described(ANY_VALUE);
  if (Array.isArray(type)) {
    if (type.every((t) => BASIC_TYPES.has(t))) return described({ type });
    return described({ oneOf: type.map((t, i) => convert({ ...schema, type: t }, `${at}/type/${i}`)) });
  }
  switch (type) {
    case "string":
      return described(stringSchema(schema));
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return described({ type });
    case "object":
      return described(withDefs(schema, objectSchema(schema, at), at));
    case "array":
      return described(withDefs(schema, arraySchema(schema, at), at));
    default:
      return fail(at, `unknown type ${JSON.stringify(type)}`);
  }
}

function inferType(schema: Schema): string | undefined {
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return "object";
  if (schema.items !== undefined || schema.prefixItems !== undefined) return "array";
  return undefined;
}

function stringSchema(schema: Schema): Out {
  if (typeof schema.format === "string" && GRAMMAR_FORMATS.has(schema.format)) {
    return { type: "string", format: schema.format };
  }
  return {
    type: "string",
    ...(typeof schema.minLength === "number" ? { minLength: schema.minLength } : {}),
    ...(typeof schema.maxLength === "number" ? { maxLength: schema.maxLength } : {}),
  };
}

function objectSchema(schema: Schema, at: string): Out {
  const properties: Out = {};
  const given = (schema.properties ?? {}) as Record<string, unknown>;
  for (const [name, property] of Object.entries(given)) {
    properties[name] = convert(property, `${at}/properties/${name}`);
  }
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  // A required name with no schema of its own may hold any value.
  for (const name of required) properties[name] ??= ANY_VALUE;
  const extra = schema.additionalProperties;
  // JSON Schema lets an object without `properties` hold anything; the compiler would allow only `{}`.
  const additional =
    extra === undefined
      ? schema.properties === undefined
        ? true
        : undefined
      : typeof extra === "boolean"
        ? extra
        : convert(extra, `${at}/additionalProperties`);
  return {
    type: "object",
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(required.length > 0 ? { required } : {}),
    ...(additional !== undefined ? { additionalProperties: additional } : {}),
    ...(typeof schema.minProperties === "number" ? { minProperties: schema.minProperties } : {}),
    ...(typeof schema.maxProperties === "number" ? { maxProperties: schema.maxProperties } : {}),
  };
}

function arraySchema(schema: Schema, at: string): Out {
  // Draft-07 tuples put the list in `items`; 2020-12 uses `prefixItems` and `items` for the rest.
  const tuple = Array.isArray(schema.items) ? schema.items : schema.prefixItems;
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  const prefixItems = Array.isArray(tuple)
    ? tuple.map((s, i) => convert(s, `${at}/prefixItems/${i}`))
    : undefined;
  let maxItems = typeof schema.maxItems === "number" ? schema.maxItems : undefined;
  if (rest === false) maxItems = Math.min(maxItems ?? Number.POSITIVE_INFINITY, prefixItems?.length ?? 0);
  return {
    type: "array",
    ...(prefixItems ? { prefixItems } : {}),
    ...(rest !== undefined && typeof rest !== "boolean" ? { items: convert(rest, `${at}/items`) } : {}),
    ...(typeof schema.minItems === "number" ? { minItems: schema.minItems } : {}),
    ...(maxItems !== undefined ? { maxItems } : {}),
  };
}

function withDefs(schema: Schema, out: Out, at: string): Out {
  const defs = (schema.$defs ?? schema.definitions) as Record<string, unknown> | undefined;
  if (defs === undefined) return out;
  const key = schema.$defs !== undefined ? "$defs" : "definitions";
  const converted: Out = {};
  for (const [name, def] of Object.entries(defs)) converted[name] = convert(def, `${at}/${key}/${name}`);
  return { ...out, $defs: converted };
}

function ref(value: unknown, at: string): string {
  const match = typeof value === "string" ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(value) : null;
  if (!match) fail(at, `only "#/$defs/<name>" references are supported, got ${JSON.stringify(value)}`);
  return `#/$defs/${match[1]}`;
}

function mergeSingleAllOf(schema: Schema, at: string): Schema {
  const { allOf, ...rest } = schema;
  if (!Array.isArray(allOf) || allOf.length !== 1 || typeof allOf[0] !== "object") {
    fail(at, "`allOf` is supported with exactly one schema");
  }
  return { ...rest, ...(allOf[0] as Schema) };
}

function primitive(value: unknown, at: string): string | number | boolean | null {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return value as string | number | boolean | null;
  }
  return fail(at, "object and array constants are not supported");
}

function fail(at: string, why: string): never {
  throw new InvalidRequestError(`llama-cpp: JSON schema at ${at}: ${why}`, { provider: "llama-cpp" });
}
