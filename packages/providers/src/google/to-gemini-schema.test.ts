import { InvalidRequestError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { isEmptyObjectSchema, toGeminiSchema } from "./to-gemini-schema.js";

describe("toGeminiSchema", () => {
  it("strips the JSON Schema keys Gemini rejects and keeps the ones it accepts", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "x",
      type: "object",
      additionalProperties: false,
      title: "Query",
      description: "a query",
      properties: {
        q: {
          type: "string",
          minLength: 1,
          maxLength: 50,
          pattern: "^[a-z]+$",
          format: "email",
          examples: ["a"],
        },
        n: { type: "integer", minimum: 1, maximum: 10, exclusiveMaximum: 11, multipleOf: 1, format: "int32" },
        at: { type: "string", format: "date-time" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true },
      },
      required: ["q"],
      not: { required: ["z"] },
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: "object",
      title: "Query",
      description: "a query",
      properties: {
        q: { type: "string", minLength: 1, maxLength: 50, pattern: "^[a-z]+$" },
        n: { type: "integer", minimum: 1, maximum: 10, format: "int32" },
        at: { type: "string", format: "date-time" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
      },
      required: ["q"],
    });
  });

  it("turns null in a type list or union into nullable, and other unions into anyOf", () => {
    expect(toGeminiSchema({ type: ["string", "null"], description: "d" })).toEqual({
      type: "string",
      description: "d",
      nullable: true,
    });
    expect(toGeminiSchema({ anyOf: [{ type: "number" }, { type: "null" }], description: "kept" })).toEqual({
      type: "number",
      description: "kept",
      nullable: true,
    });
    expect(toGeminiSchema({ oneOf: [{ type: "number" }, { type: "string" }] })).toEqual({
      anyOf: [{ type: "number" }, { type: "string" }],
    });
    expect(toGeminiSchema({ type: ["number", "boolean"] })).toEqual({
      anyOf: [{ type: "number" }, { type: "boolean" }],
    });
  });

  it("maps const and string enums to enum, and describes enums Gemini cannot type", () => {
    expect(toGeminiSchema({ const: "a" })).toEqual({ type: "string", enum: ["a"] });
    expect(toGeminiSchema({ type: "string", enum: ["a", "b"] })).toEqual({
      type: "string",
      enum: ["a", "b"],
    });
    expect(toGeminiSchema({ enum: ["a", null] })).toEqual({ type: "string", enum: ["a"], nullable: true });
    expect(toGeminiSchema({ type: "integer", enum: [1, 2], description: "level" })).toEqual({
      type: "integer",
      description: "level Allowed values: 1, 2.",
    });
  });

  it("inlines $refs, merges allOf and rejects recursion", () => {
    const schema = {
      type: "object",
      properties: { a: { $ref: "#/$defs/A", description: "the a" } },
      $defs: { A: { type: "object", properties: { x: { type: "string" } }, required: ["x"] } },
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        a: { type: "object", description: "the a", properties: { x: { type: "string" } }, required: ["x"] },
      },
    });
    expect(
      toGeminiSchema({
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { properties: { b: { type: "number" } }, required: ["b"] },
        ],
      }),
    ).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a", "b"],
    });
    const recursive = {
      type: "object",
      properties: { child: { $ref: "#/$defs/Node" } },
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
    };
    expect(() => toGeminiSchema(recursive)).toThrow(InvalidRequestError);
    expect(() => toGeminiSchema({ $ref: "#/$defs/Missing" })).toThrow(/cannot resolve/);
  });

  it("converts what zod 4 emits end to end", () => {
    // z.toJSONSchema(z.object({ city: z.string().describe("City name"), unit: z.enum(["c", "f"]).optional(),
    //   days: z.number().int().min(1).nullable() })), verbatim (zod lives in @keel/core, not here).
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        city: { type: "string", description: "City name" },
        unit: { type: "string", enum: ["c", "f"] },
        days: { anyOf: [{ type: "integer", minimum: 1, maximum: 9007199254740991 }, { type: "null" }] },
      },
      required: ["city", "days"],
      additionalProperties: false,
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: "object",
      properties: {
        city: { type: "string", description: "City name" },
        unit: { type: "string", enum: ["c", "f"] },
        days: { type: "integer", minimum: 1, maximum: 9007199254740991, nullable: true },
      },
      required: ["city", "days"],
    });
  });

  it("recognizes parameterless object schemas", () => {
    expect(isEmptyObjectSchema({ type: "object", properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: "object", additionalProperties: false })).toBe(true);
    expect(isEmptyObjectSchema({ type: "object", properties: { a: { type: "string" } } })).toBe(false);
  });
});
