import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { validateToolArguments } from "../tools/tool-arguments.js";
import { toToolDefinition } from "../tools/tool-definition.js";
import { jsonSchemaInput } from "./json-schema-input.js";

const validator = new AjvJsonSchemaValidator();
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    city: { type: "string", minLength: 2 },
    when: { type: "string", format: "date" },
    unit: { enum: ["c", "f"], default: "c" },
  },
  required: ["city"],
  additionalProperties: false,
};

describe("jsonSchemaInput", () => {
  it("validates with the JSON Schema and explains what is wrong", async () => {
    const input = jsonSchemaInput(schema, { validator, what: "tool x" });
    expect(await validateToolArguments("x", { city: "Oslo", when: "2026-12-07" }, input)).toMatchObject({
      ok: true,
    });
    const bad = await validateToolArguments("x", { city: "O", when: "yesterday", extra: 1 }, input);
    expect(bad.ok).toBe(false);
    const message = (bad as { message: string }).message;
    expect(message).toContain("must NOT have fewer than 2 characters");
    expect(message).toContain('must match format "date"');
    expect(message).toContain("must NOT have additional properties");
  });

  it("defaults to the SDK's ajv validator and a generic name", async () => {
    const input = jsonSchemaInput({ type: "object", properties: { n: { type: "integer" } } });
    expect(await validateToolArguments("y", { n: 1.5 }, input)).toMatchObject({ ok: false });
    expect(() => jsonSchemaInput({ type: "object", properties: { a: { $ref: "#/x" } } })).toThrow(
      /a JSON Schema tool input: its input schema does not compile/,
    );
  });

  it("hands the model the schema exactly as declared", () => {
    const input = jsonSchemaInput(schema, { validator, what: "tool x" });
    const { $schema: _, ...rest } = schema;
    expect(toToolDefinition({ name: "x", input, execute: () => null }).inputSchema).toEqual(rest);
  });

  it("refuses a schema that does not compile, naming the tool", () => {
    expect(() =>
      jsonSchemaInput({ type: "object", properties: { a: { $ref: "#/nowhere" } } }, { what: 'MCP tool "t"' }),
    ).toThrow(InvalidRequestError);
    expect(() =>
      jsonSchemaInput({ type: "object", properties: { a: { $ref: "#/nowhere" } } }, { what: 'MCP tool "t"' }),
    ).toThrow(/MCP tool "t": its input schema does not compile/);
  });
});
