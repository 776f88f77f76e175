import { describe, expect, it } from "vitest";
import { parseToolArguments, toolCallPart } from "./parse-tool-arguments.js";

describe("parseToolArguments", () => {
  it("parses JSON and keeps the raw text", () => {
    expect(parseToolArguments('{"city":"Paris"}')).toEqual({
      arguments: { city: "Paris" },
      rawArguments: '{"city":"Paris"}',
    });
  });

  it("treats empty text as no arguments", () => {
    expect(parseToolArguments("")).toEqual({ arguments: {}, rawArguments: "" });
    expect(parseToolArguments("  ")).toEqual({ arguments: {}, rawArguments: "  " });
  });

  it("keeps invalid JSON as raw text and says why, without throwing", () => {
    const parsed = parseToolArguments('{"city":"Par');
    expect(parsed.arguments).toBeUndefined();
    expect(parsed.rawArguments).toBe('{"city":"Par');
    expect(parsed.argumentsError).toMatch(/^invalid JSON arguments: /);
  });
});

describe("toolCallPart", () => {
  it("builds a part with parsed arguments and provider metadata", () => {
    expect(toolCallPart("c1", "f", '{"a":1}', { openai: { itemId: "fc_1" } })).toEqual({
      type: "tool-call",
      id: "c1",
      name: "f",
      arguments: { a: 1 },
      rawArguments: '{"a":1}',
      providerMetadata: { openai: { itemId: "fc_1" } },
    });
  });

  it("marks a part whose arguments do not parse", () => {
    const part = toolCallPart("c1", "f", "{oops");
    expect(part.arguments).toBeUndefined();
    expect(part.argumentsError).toBeDefined();
    expect(part).not.toHaveProperty("providerMetadata");
  });
});
