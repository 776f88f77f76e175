import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toProviderJsonSchema } from "./object-request.js";

describe("toProviderJsonSchema", () => {
  it("gives zod's JSON Schema without the $schema marker", () => {
    const schema = z.object({
      city: z.string().describe("City name"),
      at: z.date(),
      n: z.number().optional(),
    });
    const { $schema, ...expected } = z.toJSONSchema(schema, { unrepresentable: "any" });
    expect($schema).toBeDefined();
    expect(toProviderJsonSchema(schema)).toEqual(expected);
  });

  it("explains that a schema without toJSONSchema needs a newer zod", () => {
    const old = z.string();
    Object.defineProperty(old, "toJSONSchema", { value: undefined });
    expect(() => toProviderJsonSchema(old)).toThrow(/zod 4\.2\+/);
  });
});
