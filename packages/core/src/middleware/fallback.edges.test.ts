import { describe, expect, it, vi } from "vitest";
import { AuthenticationError, NetworkError, OverloadedError } from "../errors.js";
import type { Model, ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain } from "./__fixtures__/harness.js";
import { buildContinuationRequest } from "./continuation.js";
import { fallback } from "./fallback.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

describe("fallback: edges", () => {
  it("refuses anything that is not an object with generate and stream, at any index", () => {
    const ok = scriptedModel(["ok"]);
    const notModels: unknown[] = [null, { stream: ok.stream }, { generate: ok.generate }];
    for (const value of notModels)
      expect(() => fallback([value as Model, ok]), String(value)).toThrow(
        "fallback: models[0] is not a model",
      );
  });

  it("with fallbackOnAuthError, still rethrows an authentication error when only the same provider is left", async () => {
    const primary = scriptedModel([new AuthenticationError("no key")], { id: "p1", provider: "p" });
    const sameKey = scriptedModel(["same key"], { id: "p2", provider: "p" });
    const model = pipe(primary, fallback([sameKey], { fallbackOnAuthError: true }));
    await expect(model.generate(request)).rejects.toBeInstanceOf(AuthenticationError);
    expect(sameKey.requests).toHaveLength(0);
  });

  it("with fallbackOnAuthError, moves other errors by the usual policy, to the same provider too", async () => {
    const primary = scriptedModel([new OverloadedError("busy")], { id: "p1", provider: "p" });
    const sameProvider = scriptedModel(["same provider"], { id: "p2", provider: "p" });
    const model = pipe(primary, fallback([sameProvider], { fallbackOnAuthError: true }));
    expect((await model.generate(request)).text).toBe("same provider");
  });

  it("adds no failovers to an answer that needed none, and hands a stream's events out as they are", async () => {
    const primary = scriptedModel([{ text: "abcd", chunkSize: 2 }]);
    const model = pipe(primary, fallback([scriptedModel(["x"], { id: "b" })]));
    expect((await model.generate(request)).failovers).toBeUndefined();
    const stream = model.stream(request);
    const { seen, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(seen.map((e) => e.type)).toEqual([
      "response-metadata",
      "text-delta",
      "text-delta",
      "usage",
      "finish",
    ]);
    expect((await stream.response).failovers).toBeUndefined();
  });

  it("asks buildContinuation only when text reached the caller", async () => {
    const buildContinuation = vi.fn(buildContinuationRequest);
    const before = scriptedModel([{ events: [{ type: "fail", error: new NetworkError("reset") }] }], {
      id: "a",
    });
    const backup = scriptedModel(["whole answer"], { id: "b", provider: "other" });
    const response = await pipe(before, fallback([backup], { buildContinuation })).stream(request).response;
    expect(response.text).toBe("whole answer");
    expect(buildContinuation).not.toHaveBeenCalled();
    expect(backup.requests).toEqual([request]);
  });

  it("rethrows a mid-stream failure after a tool-call delta reached the caller", async () => {
    const error = new NetworkError("reset");
    const primary = scriptedModel([
      {
        events: [
          { type: "tool-call-delta", index: 0, name: "search", argumentsDelta: "{" },
          { type: "fail", error },
        ],
      },
    ]);
    const backup = scriptedModel(["x"], { id: "b", provider: "other" });
    expect((await drain(pipe(primary, fallback([backup])).stream(request))).error).toBe(error);
    expect(backup.requests).toHaveLength(0);
  });
});
