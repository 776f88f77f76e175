import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { tool } from "./tool.js";
import { toToolDefinition } from "./tool-definition.js";

const execute = () => "ok";

describe("tool()", () => {
  it.each([
    ["a date", z.object({ when: z.date() }), "Date cannot be represented"],
    ["a bigint", z.object({ n: z.bigint() }), "BigInt cannot be represented"],
    ["a function", z.object({ f: z.function() }), "Function types cannot be represented"],
    ["a custom check", z.object({ c: z.custom<string>((v) => typeof v === "string") }), "Custom types"],
    ["a map", z.object({ m: z.map(z.string(), z.number()) }), "Map cannot be represented"],
  ])("refuses an input with %s, which JSON Schema cannot express", (_, input, reason) => {
    const define = () => tool({ name: "book", input, execute });
    expect(define).toThrow(InvalidRequestError);
    expect(define).toThrow(/tool "book": its input schema cannot be expressed as JSON Schema/);
    expect(define).toThrow(reason);
  });

  it.each([
    ["undefined", undefined, "got undefined"],
    ["null", null, "got null"],
    ["a plain JSON Schema", { type: "object" }, "got object"],
  ])("refuses an input that is %s, naming the tool", (_, input, got) => {
    const define = () => tool({ name: "book", input: input as never, execute });
    expect(define).toThrow(InvalidRequestError);
    expect(define).toThrow(`tool "book": input must be a zod schema such as z.object({ ... }), ${got}`);
  });

  it("refuses a tool without an execute function", () => {
    expect(() => tool({ name: "book", input: z.object({}), execute: undefined as never })).toThrow(
      'tool "book": execute must be a function',
    );
  });

  it("accepts what JSON carries, including ISO dates as strings and transforms after parsing", () => {
    const booked = tool({
      name: "book",
      input: z.object({
        when: z.iso.datetime(),
        seats: z.string().transform(Number),
        note: z.string().optional(),
      }),
      execute,
    });
    expect(toToolDefinition(booked).inputSchema).toMatchObject({
      type: "object",
      properties: { when: { type: "string", format: "date-time" } },
    });
  });
});
