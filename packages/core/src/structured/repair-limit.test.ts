import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { scriptedModel } from "../testing/index.js";
import { generateObject } from "./generate-object.js";
import { streamObject } from "./stream-object.js";

const Person = z.object({ name: z.string() });

describe("maxRepairs that is not a whole number of 0 or more", () => {
  it.each([Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, "2"])(
    "%s is refused before any call",
    async (maxRepairs) => {
      const model = scriptedModel(["not json"]);
      const options = { schema: Person, prompt: "Who?", maxRepairs: maxRepairs as number };
      const fromGenerate = await generateObject(model, options).catch((e: unknown) => e);
      expect(fromGenerate).toBeInstanceOf(InvalidRequestError);
      expect((fromGenerate as Error).message).toBe(
        `maxRepairs must be a whole number of 0 or more, got ${String(maxRepairs)}`,
      );
      await expect(streamObject(model, options).result).rejects.toBeInstanceOf(InvalidRequestError);
      expect(model.requests).toHaveLength(0);
    },
  );
});
