import { InvalidRequestError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { toGbnfSchema } from "./to-gbnf-schema.js";

const ANY = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "object", additionalProperties: true },
    { type: "array" },
  ],
};

describe("toGbnfSchema", () => {
  it("keeps what the grammar compiler understands", () => {
    const schema = {
      type: "object",
      description: "a person",
      properties: {
        name: { type: "string", minLength: 1, maxLength: 20 },
        born: { type: "string", format: "date" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        kind: { enum: ["a", "b", null] },
        version: { const: 2 },
        maybe: { type: ["integer", "null"] },
      },
      required: ["name"],
      additionalProperties: false,
      minProperties: 1,
    };
    expect(toGbnfSchema(schema)).toEqual(schema);
  });

  it("turns anyOf into oneOf, which the compiler would otherwise turn into null", () => {
    expect(toGbnfSchema({ anyOf: [{ type: "string" }, { type: "null" }], description: "d" })).toEqual({
      oneOf: [{ type: "string" }, { type: "null" }],
      description: "d",
    });
  });

  it("spells an unconstrained value as any JSON value", () => {
    expect(toGbnfSchema({})).toEqual(ANY);
    expect(toGbnfSchema(true as never)).toEqual(ANY);
    expect(toGbnfSchema({ type: "object" })).toEqual({ type: "object", additionalProperties: true });
    expect(toGbnfSchema({ type: "object", required: ["x"], properties: {} })).toEqual({
      type: "object",
      properties: { x: ANY },
      required: ["x"],
    });
  });

  it("splits a type list with structured types into oneOf branches", () => {
    expect(toGbnfSchema({ type: ["object", "null"], properties: { a: { type: "string" } } })).toEqual({
      oneOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "null" }],
    });
  });

  it("leaves out constraints a grammar cannot enforce, and annotations", () => {
    expect(
      toGbnfSchema({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "T",
        type: "object",
        properties: {
          mail: { type: "string", format: "email", pattern: "@" },
          n: { type: "integer", minimum: 3, maximum: 9, multipleOf: 3 },
        },
        required: ["mail", "n"],
      }),
    ).toEqual({
      type: "object",
      properties: { mail: { type: "string" }, n: { type: "integer" } },
      required: ["mail", "n"],
    });
  });

  it("maps references to $defs, including draft-07 definitions", () => {
    expect(
      toGbnfSchema({
        type: "object",
        properties: { a: { $ref: "#/definitions/n" } },
        definitions: { n: { type: "number" } },
      }),
    ).toEqual({ type: "object", properties: { a: { $ref: "#/$defs/n" } }, $defs: { n: { type: "number" } } });
  });

  it("maps tuples to prefixItems and closes them when no further items are allowed", () => {
    expect(
      toGbnfSchema({
        type: "array",
        items: [{ type: "string" }, { type: "number" }],
        additionalItems: false,
      }),
    ).toEqual({
      type: "array",
      prefixItems: [{ type: "string" }, { type: "number" }],
      maxItems: 2,
    });
    expect(
      toGbnfSchema({ type: "array", prefixItems: [{ type: "string" }], items: { type: "boolean" } }),
    ).toEqual({
      type: "array",
      prefixItems: [{ type: "string" }],
      items: { type: "boolean" },
    });
  });

  it("unwraps a single allOf", () => {
    expect(toGbnfSchema({ allOf: [{ type: "string" }], description: "d" })).toEqual({
      type: "string",
      description: "d",
    });
  });

  it("fails with InvalidRequestError, naming the place, on what it cannot express", () => {
    const bad: unknown[] = [
      { allOf: [{ type: "string" }, { type: "number" }] },
      { type: "object", properties: { a: { $ref: "#" } } },
      { type: "wat" },
      { const: { a: 1 } },
      { type: "object", properties: { a: false } },
      { type: "object", anyOf: [{ required: ["a"] }] },
    ];
    for (const schema of bad) expect(() => toGbnfSchema(schema as never)).toThrow(InvalidRequestError);
    expect(() => toGbnfSchema({ type: "object", properties: { a: { type: "wat" } } })).toThrow(
      "#/properties/a: unknown type",
    );
  });
});
