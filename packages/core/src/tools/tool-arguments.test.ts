import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ToolCallPart } from "../messages.js";
import { readToolArguments } from "./tool-arguments.js";

const schema = z.object({ city: z.string(), days: z.number().int().optional() });
const call = (fields: Partial<ToolCallPart>): ToolCallPart => ({
  type: "tool-call",
  id: "c1",
  name: "weather",
  arguments: undefined,
  ...fields,
});

describe("readToolArguments", () => {
  it("validates parsed arguments", async () => {
    expect(await readToolArguments(call({ arguments: { city: "Oslo" } }), schema)).toEqual({
      ok: true,
      value: { city: "Oslo" },
      repairs: [],
    });
  });

  it("repairs trailing commas and unclosed braces in the raw text", async () => {
    expect(await readToolArguments(call({ rawArguments: '{"city": "Oslo", "days": 2,' }), schema)).toEqual({
      ok: true,
      value: { city: "Oslo", days: 2 },
      repairs: ["closed an object"],
    });
    expect(await readToolArguments(call({ arguments: '{"city": "Rome",}' }), schema)).toMatchObject({
      ok: true,
      value: { city: "Rome" },
    });
  });

  it("reads an empty argument string as no arguments", async () => {
    const result = await readToolArguments(call({ rawArguments: "" }), z.object({}));
    expect(result).toEqual({ ok: true, value: {}, repairs: [] });
  });

  it("reports JSON it cannot repair", async () => {
    expect(await readToolArguments(call({ rawArguments: "city=Oslo" }), schema)).toEqual({
      ok: false,
      reason: "malformed",
      message: 'The arguments for tool "weather" are not valid JSON: city=Oslo',
    });
  });

  it("reports arguments that fail the schema", async () => {
    const result = await readToolArguments(call({ arguments: { city: 3 } }), schema);
    expect(result).toMatchObject({ ok: false, reason: "invalid" });
    expect(!result.ok && result.message).toMatch(
      /Invalid arguments for tool "weather":\n.*expected string[\s\S]*at city/,
    );
  });
});
