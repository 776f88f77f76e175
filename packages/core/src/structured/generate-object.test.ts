import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ContentFilteredError, InvalidRequestError, NetworkError, OutputParseError } from "../errors.js";
import { textOf } from "../messages.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { generateObject, type ObjectParseFailure } from "./generate-object.js";

const Person = z.object({ name: z.string(), age: z.number().int().min(0) });

describe("generateObject", () => {
  it("uses the provider's JSON-schema mode when the model has it", async () => {
    const model = scriptedModel(['{"name": "Ada", "age": 36}']);
    const result = await generateObject(model, { schema: Person, prompt: "Who?", name: "person" });
    expect(result.object).toEqual({ name: "Ada", age: 36 });
    expect(result.attempts).toBe(1);
    expect(result.mode).toBe("native");
    const request = model.requests[0]!;
    expect(request.responseFormat).toEqual({
      type: "json",
      name: "person",
      strict: true,
      schema: {
        type: "object",
        properties: {
          name: { type: "string" },
          age: { type: "integer", minimum: 0, maximum: expect.any(Number) },
        },
        required: ["name", "age"],
        additionalProperties: false,
      },
    });
    expect(request.messages).toEqual([{ role: "user", content: "Who?" }]);
  });

  it("asks for non-strict output when the schema has optional properties", async () => {
    const model = scriptedModel(['{"name": "Ada"}']);
    const schema = z.object({ name: z.string(), nick: z.string().optional() });
    await generateObject(model, { schema, prompt: "Who?" });
    expect(model.requests[0]!.responseFormat).toMatchObject({ strict: false, name: "output" });
  });

  it("falls back to instructions and extraction for models without JSON-schema mode", async () => {
    const model = scriptedModel(['Sure!\n```json\n{"name": "Ada", "age": 36,}\n```'], {
      capabilities: { jsonSchema: false },
    });
    const result = await generateObject(model, { schema: Person, system: "Be terse.", prompt: "Who?" });
    expect(result.object).toEqual({ name: "Ada", age: 36 });
    expect(result.mode).toBe("instructions");
    const [system, user] = model.requests[0]!.messages;
    expect(model.requests[0]!.responseFormat).toBeUndefined();
    expect(system?.role).toBe("system");
    expect(textOf(system!)).toMatch(/^Be terse\.\n\nAnswer with one JSON value/);
    expect(textOf(system!)).toContain('"required":["name","age"]');
    expect(user).toEqual({ role: "user", content: "Who?" });
  });

  it("uses instructions for non-object roots even when the model has JSON-schema mode", async () => {
    const model = scriptedModel(["[1, 2, 3]"]);
    const result = await generateObject(model, { schema: z.array(z.number()), prompt: "Numbers?" });
    expect(result).toMatchObject({ object: [1, 2, 3], mode: "instructions" });
  });

  it("feeds the validation error back and accepts the repaired answer", async () => {
    const model = scriptedModel([
      '{"name": "Ada", "age": -1}',
      "not json at all",
      '{"name": "Ada", "age": 36}',
    ]);
    const result = await generateObject(model, { schema: Person, prompt: "Who?" });
    expect(result.object).toEqual({ name: "Ada", age: 36 });
    expect(result.attempts).toBe(3);
    expect(result.usage.inputTokens).toBe(30);
    const second = model.requests[1]!.messages;
    expect(second.slice(1)).toEqual([
      { role: "assistant", content: '{"name": "Ada", "age": -1}' },
      { role: "user", content: expect.stringMatching(/does not match the schema:[\s\S]*→ at age/) },
    ]);
    expect(textOf(model.requests[2]!.messages.at(-1)!)).toMatch(
      /could not be parsed: the answer is not valid JSON/,
    );
  });

  it("throws OutputParseError with the last text and issues when repairs run out", async () => {
    const model = scriptedModel(['{"name": 5}']);
    const error = await generateObject(model, { schema: Person, prompt: "Who?", maxRepairs: 1 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error.message).toMatch(/no valid object after 2 attempt\(s\): name: Invalid input/);
    const body = error.body as ObjectParseFailure;
    expect(body.text).toBe('{"name": 5}');
    expect(body.attempts).toBe(2);
    expect(body.issues.map((i) => i.path.join("."))).toEqual(["name", "age"]);
    expect(model.requests).toHaveLength(2);
  });

  it("does not repair refusals", async () => {
    const model = scriptedModel([
      { events: [{ type: "finish", finishReason: "stop", refusal: "I can't help with that." }] },
    ]);
    await expect(generateObject(model, { schema: Person, prompt: "Who?" })).rejects.toBeInstanceOf(
      ContentFilteredError,
    );
    expect(model.requests).toHaveLength(1);
  });

  it("lets model errors through unchanged", async () => {
    const model = scriptedModel([new NetworkError("reset")]);
    await expect(generateObject(model, { schema: Person, prompt: "Who?" })).rejects.toBeInstanceOf(
      NetworkError,
    );
  });

  it("rejects requests without a user turn and bad schema names", async () => {
    const model = scriptedModel(["{}"]);
    await expect(generateObject(model, { schema: Person, system: "x" })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(generateObject(model, { schema: Person, prompt: "x", name: "a b" })).rejects.toThrow(
      /schema name "a b"/,
    );
  });

  it("passes call options through to the model", async () => {
    const model = scriptedModel([{ text: '{"name": "Ada", "age": 1}', delayMs: 1000 }]);
    const controller = new AbortController();
    const pending = generateObject(model, { schema: Person, prompt: "Who?" }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });
});
