import {
  AbortedError,
  AuthenticationError,
  NetworkError,
  OutputParseError,
  QuotaExhaustedError,
  TimeoutError,
} from "@keel/core";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toOpenAIError } from "./errors.js";
import { openai } from "./index.js";

describe("toOpenAIError", () => {
  it("maps the SDK's connection errors", () => {
    expect(toOpenAIError(new APIUserAbortError())).toBeInstanceOf(AbortedError);
    expect(toOpenAIError(new APIConnectionTimeoutError())).toBeInstanceOf(TimeoutError);
    const network = toOpenAIError(new APIConnectionError({ cause: new Error("ECONNREFUSED") }));
    expect(network).toBeInstanceOf(NetworkError);
    expect(network.message).toBe("could not reach OpenAI: Connection error. (ECONNREFUSED)");
  });

  it("lets the signal's reason win once it has fired (deadline → TimeoutError)", () => {
    const controller = new AbortController();
    controller.abort(new TimeoutError("deadline passed"));
    const error = toOpenAIError(new APIUserAbortError(), controller.signal);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe("deadline passed");
  });

  it("maps an in-stream APIError (no status) by its code", () => {
    const error = toOpenAIError(
      new APIError(undefined, { code: "insufficient_quota", message: "no credit" }, undefined, new Headers()),
    );
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error.status).toBeUndefined();
  });

  it("maps unreadable answers to OutputParseError and broken connections to NetworkError", () => {
    expect(toOpenAIError(new SyntaxError("Unexpected end of JSON input"))).toBeInstanceOf(OutputParseError);
    expect(
      toOpenAIError(new TypeError("Cannot use 'in' operator to search for 'output' in <html>")),
    ).toBeInstanceOf(OutputParseError);
    expect(
      toOpenAIError(new TypeError("terminated", { cause: new Error("other side closed") })),
    ).toBeInstanceOf(NetworkError);
  });
});

describe("a model without an API key", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("can be declared, and fails its first call with AuthenticationError", async () => {
    vi.stubEnv("OPENAI_API_KEY", undefined);
    const model = openai("gpt-4o");
    await expect(model.generate({ messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    await expect(
      model.stream({ messages: [{ role: "user", content: "hi" }] }).response,
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
