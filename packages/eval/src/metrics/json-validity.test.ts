import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonValidity } from "./json-validity.js";

describe("jsonValidity without a schema", () => {
  it("only checks that the text parses, and returns the value", () => {
    expect(jsonValidity('{"a":[1,2]}', undefined)).toEqual({ score: 1, errors: [], value: { a: [1, 2] } });
    const bad = jsonValidity("{a:1}", undefined);
    expect(bad.score).toBe(0);
    expect(bad.value).toBeUndefined();
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]).toMatch(/^not JSON: \S/);
  });
});

describe("jsonValidity's extract option", () => {
  it("reads the first fenced block, with or without a language tag", () => {
    const text = 'Sure:\n```json\n{"n":1}\n```\nand\n```\n{"n":2}\n```';
    expect(jsonValidity(text, undefined, { extract: true }).value).toEqual({ n: 1 });
    expect(jsonValidity("```\r\n[true]\r\n```", undefined, { extract: true }).value).toEqual([true]);
  });

  it("falls back to the whole text when there is no fence", () => {
    expect(jsonValidity('{"n":3}', undefined, { extract: true })).toEqual({
      score: 1,
      errors: [],
      value: { n: 3 },
    });
  });

  it("is off by default: a fenced answer is not JSON", () => {
    expect(jsonValidity('```json\n{"n":1}\n```', undefined).score).toBe(0);
  });
});

describe("jsonValidity against a zod schema", () => {
  const schema = z.object({ user: z.object({ name: z.string(), age: z.number() }) });

  it("passes a valid value with no errors", () => {
    expect(jsonValidity('{"user":{"name":"Ada","age":36}}', schema)).toEqual({
      score: 1,
      errors: [],
      value: { user: { name: "Ada", age: 36 } },
    });
  });

  it("names each violation by its dotted path, or (root)", () => {
    const r = jsonValidity('{"user":{"name":5,"age":"old"}}', schema);
    expect(r.score).toBe(0);
    expect(r.value).toEqual({ user: { name: 5, age: "old" } });
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/^user\.name: \S/);
    expect(r.errors[1]).toMatch(/^user\.age: \S/);
    expect(jsonValidity("[]", schema).errors[0]).toMatch(/^\(root\): \S/);
  });
});

describe("jsonValidity against a JSON Schema", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
    required: ["name"],
  };

  it("passes a valid value with no errors", () => {
    expect(jsonValidity('{"name":"x","tags":["a"]}', schema)).toEqual({
      score: 1,
      errors: [],
      value: { name: "x", tags: ["a"] },
    });
  });

  it("reports every violation, each at its instance location", () => {
    const r = jsonValidity('{"name":1,"tags":["a",2]}', schema);
    expect(r.score).toBe(0);
    expect(r.value).toEqual({ name: 1, tags: ["a", 2] });
    expect(r.errors.some((e) => e.startsWith("#/name: "))).toBe(true);
    expect(r.errors.some((e) => e.startsWith("#/tags/1: "))).toBe(true);
  });

  it("validates 2020-12 keywords", () => {
    const tuple = { type: "array", prefixItems: [{ type: "number" }, { type: "string" }] };
    expect(jsonValidity('[1,"a"]', tuple).score).toBe(1);
    expect(jsonValidity("[1,2]", tuple).errors.some((e) => e.startsWith("#/1: "))).toBe(true);
  });
});
