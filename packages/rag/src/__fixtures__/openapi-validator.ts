import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** Qdrant's published OpenAPI document (../shared/specs, read-only, never copied into the repo). */
export const QDRANT_OPENAPI_PATH = resolve(
  import.meta.dirname,
  "../../../../../shared/specs/qdrant-openapi.json",
);

type Json = Record<string, unknown>;

/** OpenAPI 3.0's `nullable` as JSON Schema: `{nullable: true}` alone is `{type: "null"}`, with a type it adds "null". */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = toJsonSchema(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Object.keys(out).filter((k) => k !== "description" && k !== "default").length === 0)
      out.type = "null";
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

interface Operation {
  pattern: RegExp;
  method: string;
  template: string;
  request?: () => ValidateFunction;
  response?: () => ValidateFunction;
}

/**
 * Validates request bodies and 200 responses against Qdrant's OpenAPI schema with Ajv. Every
 * violation is recorded (and an unknown path or method is one), so a test can assert none.
 */
export class QdrantOpenApi {
  readonly violations: string[] = [];
  readonly seen = new Set<string>();
  private readonly operations: Operation[] = [];

  constructor(path = QDRANT_OPENAPI_PATH) {
    const spec = toJsonSchema(JSON.parse(readFileSync(path, "utf8"))) as Json;
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    for (const f of ["uint", "uint64", "uint32", "uint16", "uint8", "usize"])
      ajv.addFormat(f, { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
    for (const f of ["int64", "int32", "int"])
      ajv.addFormat(f, { type: "number", validate: Number.isInteger });
    for (const f of ["float", "double"]) ajv.addFormat(f, { type: "number", validate: Number.isFinite });
    ajv.addFormat("partial-date-time", {
      type: "string",
      validate: (s: string) => !Number.isNaN(Date.parse(s)),
    });
    ajv.addSchema({ $id: "qdrant.json", components: spec.components }, "qdrant.json");
    const fix = (schema: unknown) =>
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"qdrant.json#/components/'));
    // Compiled on first use: compiling all 53 paths up front costs seconds.
    const lazy = (schema: unknown) => {
      let compiled: ValidateFunction | undefined;
      return () => (compiled ??= ajv.compile(fix(schema)));
    };
    for (const [template, methods] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      for (const [method, op] of Object.entries(methods)) {
        const body = (op.requestBody as Json | undefined)?.content as
          | Record<string, { schema: unknown }>
          | undefined;
        const ok = ((op.responses as Json)["200"] as Json | undefined)?.content as
          | Record<string, { schema: unknown }>
          | undefined;
        this.operations.push({
          pattern,
          method: method.toUpperCase(),
          template,
          ...(body?.["application/json"] ? { request: lazy(body["application/json"].schema) } : {}),
          ...(ok?.["application/json"] ? { response: lazy(ok["application/json"].schema) } : {}),
        });
      }
    }
  }

  private find(method: string, path: string): Operation | undefined {
    return this.operations.find((o) => o.method === method && o.pattern.test(path));
  }

  /** Checks a request; returns the error text (also recorded) or undefined when valid. */
  checkRequest(method: string, path: string, body: unknown): string | undefined {
    const op = this.find(method, path);
    if (!op) return this.record(`${method} ${path}: no such operation in Qdrant's OpenAPI`);
    this.seen.add(`${method} ${op.template}`);
    const request = op.request?.();
    if (request && !request(body))
      return this.record(`${method} ${op.template} request: ${JSON.stringify(request.errors?.slice(0, 3))}`);
    if (!op.request && body !== undefined)
      return this.record(`${method} ${op.template}: the operation takes no body`);
    return undefined;
  }

  /** Checks a 200 response body against the operation's schema. */
  checkResponse(method: string, path: string, body: unknown): string | undefined {
    const op = this.find(method, path);
    const response = op?.response?.();
    if (response && !response(body))
      return this.record(
        `${method} ${op!.template} response: ${JSON.stringify(response.errors?.slice(0, 3))}`,
      );
    return undefined;
  }

  private record(message: string): string {
    this.violations.push(message);
    return message;
  }
}
