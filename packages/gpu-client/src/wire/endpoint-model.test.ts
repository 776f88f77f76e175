import { InvalidRequestError, type ModelRequest } from "@keel/core";
import { describe, expect, it } from "vitest";
import { endpointModel } from "./endpoint-model.js";

// Nothing listens on port 1: a request that were sent would fail as a network error, so an
// InvalidRequestError proves the request was refused before anything left the process.
const model = endpointModel({ id: "r1", url: "http://127.0.0.1:1", kind: "vllm", model: "m" });

describe("endpointModel refuses malformed requests like every Keel model", () => {
  it.each([
    [{ messages: [{ role: "human", content: "x" }] }, "messages[0].role"],
    [{ messages: "hi" }, "`messages` must be an array"],
    [{ messages: [{ role: "user", content: "hi" }], maxOutputTokens: Number.NaN }, "`maxOutputTokens`"],
  ])("%j", async (request, field) => {
    for (const call of [
      () => model.generate(request as unknown as ModelRequest),
      () => model.stream(request as unknown as ModelRequest).response,
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain(field);
    }
  });
});
