import { describe, expect, it } from "vitest";
import { AuthenticationError, InvalidRequestError, PermissionError } from "../errors.js";
import type { Model, ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { fallback } from "./fallback.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

describe("fallback: its arguments", () => {
  it("refuses one model instead of an array, when it is declared", () => {
    const backup = scriptedModel(["ok"]);
    expect(() => fallback(backup as unknown as Model[])).toThrow(InvalidRequestError);
    expect(() => fallback(backup as unknown as Model[])).toThrow(
      "fallback: give an array of models, as in fallback([backup]); got one model",
    );
    expect(() => fallback(undefined as unknown as Model[])).toThrow("got undefined");
  });

  it("refuses an array with something that is not a model, naming its index", () => {
    expect(() => fallback([scriptedModel(["ok"]), "gpt-4o" as unknown as Model])).toThrow(
      "fallback: models[1] is not a model",
    );
  });
});

describe("fallback after an authentication error", () => {
  const primary = () =>
    scriptedModel([new AuthenticationError("no key", { provider: "p" })], { id: "p1", provider: "p" });

  it("is rethrown by default: a missing key is a configuration mistake, not an outage", async () => {
    const backup = scriptedModel(["from backup"], { id: "b1", provider: "b" });
    await expect(pipe(primary(), fallback([backup])).generate(request)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(backup.requests).toHaveLength(0);
  });

  it("moves to another provider with fallbackOnAuthError, never to one sharing the key", async () => {
    const sameProvider = scriptedModel(["same key"], { id: "p2", provider: "p" });
    const other = scriptedModel(["from backup"], { id: "b1", provider: "b" });
    const model = pipe(primary(), fallback([sameProvider, other], { fallbackOnAuthError: true }));
    const response = await model.generate(request);
    expect(response.text).toBe("from backup");
    expect(response.failovers).toEqual([{ from: "p1", to: "b1", errorCode: "authentication" }]);
    expect(sameProvider.requests).toHaveLength(0);
    const streamed = await model.stream(request).response;
    expect(streamed.text).toBe("from backup");
  });

  it("treats a permission error the same way, and only with the option", async () => {
    const denied = scriptedModel([new PermissionError("revoked", { provider: "p" })], {
      id: "p1",
      provider: "p",
    });
    const other = scriptedModel(["from backup"], { id: "b1", provider: "b" });
    await expect(pipe(denied, fallback([other])).generate(request)).rejects.toBeInstanceOf(PermissionError);
    const response = await pipe(denied, fallback([other], { fallbackOnAuthError: true })).generate(request);
    expect(response.text).toBe("from backup");
  });
});
