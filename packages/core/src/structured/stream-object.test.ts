import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OutputParseError } from "../errors.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { streamObject } from "./stream-object.js";

const Trip = z.object({ city: z.string(), days: z.array(z.number()) });

describe("streamObject", () => {
  it("yields growing partial objects, then the validated object", async () => {
    const model = scriptedModel([{ text: '{"city": "Paris", "days": [1, 2]}', chunkSize: 4 }]);
    const events = [];
    for await (const event of streamObject(model, { schema: Trip, prompt: "Trip?" })) events.push(event);
    const partials = events.filter((e) => e.type === "partial").map((e) => e.object);
    // Chunks: `{"ci` `ty":` ` "Pa` `ris"` `, "d` `ays"` `: [1` `, 2]` `}`; repeats are not yielded.
    expect(partials).toEqual([
      {},
      { city: "Pa" },
      { city: "Paris" },
      { city: "Paris", days: [1] },
      { city: "Paris", days: [1, 2] },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "object", object: { city: "Paris", days: [1, 2] } });
  });

  it("finds the JSON in a fenced answer from a model without JSON-schema mode", async () => {
    const model = scriptedModel(
      [{ text: 'Here:\n```json\n{"city": "Rome", "days": []}\n```', chunkSize: 5 }],
      {
        capabilities: { jsonSchema: false },
      },
    );
    const stream = streamObject(model, { schema: Trip, prompt: "Trip?" });
    expect(await stream.object).toEqual({ city: "Rome", days: [] });
  });

  it("announces a repair and streams the corrected answer", async () => {
    const model = scriptedModel(['{"city": 1}', '{"city": "Oslo", "days": [3]}']);
    const types = [];
    const stream = streamObject(model, { schema: Trip, prompt: "Trip?" });
    for await (const event of stream)
      types.push(event.type === "partial" ? `partial${event.attempt}` : event.type);
    expect(types).toEqual(["partial1", "repair", "partial2", "object"]);
    expect((await stream.result).attempts).toBe(2);
  });

  it("ends with OutputParseError when repairs run out, both when iterating and via result", async () => {
    const stream = streamObject(scriptedModel(["nope"]), { schema: Trip, prompt: "Trip?", maxRepairs: 0 });
    await expect(stream.result).rejects.toBeInstanceOf(OutputParseError);
    const again = streamObject(scriptedModel(["nope"]), { schema: Trip, prompt: "Trip?", maxRepairs: 0 });
    await expect(
      (async () => {
        for await (const _ of again);
      })(),
    ).rejects.toBeInstanceOf(OutputParseError);
  });

  it("settles result when the consumer stops early", async () => {
    const model = scriptedModel([{ text: '{"city": "Paris", "days": [1, 2]}', chunkSize: 2 }]);
    const stream = streamObject(model, { schema: Trip, prompt: "Trip?" });
    for await (const _ of stream) break;
    await expect(stream.result).rejects.toMatchObject({ code: "aborted" });
  });
});
