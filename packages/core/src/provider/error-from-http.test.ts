import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContentFilteredError,
  ContextLengthExceededError,
  InvalidRequestError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "../errors.js";
import { errorFromHttp, errorInfoOf } from "./error-from-http.js";

const openaiBody = (type: string, code: string | null, message = "m") => ({
  error: { message, type, param: null, code },
});

describe("errorInfoOf", () => {
  it("reads OpenAI, Google and plain-string error shapes", () => {
    expect(errorInfoOf(openaiBody("invalid_request_error", "x", "bad"))).toEqual({
      message: "bad",
      type: "invalid_request_error",
      code: "x",
    });
    expect(errorInfoOf({ error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "slow" } })).toEqual({
      message: "slow",
      code: "RESOURCE_EXHAUSTED",
    });
    expect(errorInfoOf({ error: "boom", error_type: "overloaded" })).toEqual({
      message: "boom",
      type: "overloaded",
    });
    expect(errorInfoOf({ type: "insufficient_quota", code: "insufficient_quota", message: "q" })).toEqual({
      message: "q",
      type: "insufficient_quota",
      code: "insufficient_quota",
    });
  });
});

describe("errorFromHttp", () => {
  it.each([
    [400, openaiBody("invalid_request_error", "unsupported_parameter"), InvalidRequestError],
    [400, openaiBody("invalid_request_error", "context_length_exceeded"), ContextLengthExceededError],
    [
      400,
      openaiBody("invalid_request_error", null, "This model's maximum context length is 8192 tokens"),
      ContextLengthExceededError,
    ],
    [400, openaiBody("invalid_request_error", "content_filter"), ContentFilteredError],
    [401, openaiBody("invalid_request_error", "invalid_api_key"), AuthenticationError],
    [403, openaiBody("invalid_request_error", "unsupported_country_region_territory"), PermissionError],
    [404, openaiBody("invalid_request_error", "model_not_found"), InvalidRequestError],
    [408, {}, TimeoutError],
    [409, {}, ProviderUnavailableError],
    [422, {}, InvalidRequestError],
    [429, openaiBody("requests", "rate_limit_exceeded"), RateLimitedError],
    [429, openaiBody("insufficient_quota", "insufficient_quota"), QuotaExhaustedError],
    [500, openaiBody("server_error", null), ProviderUnavailableError],
    [502, undefined, ProviderUnavailableError],
    [503, openaiBody("server_error", null, "The engine is currently overloaded"), OverloadedError],
    [503, openaiBody("server_error", null, "Service unavailable"), ProviderUnavailableError],
    [529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, OverloadedError],
  ])("status %i with %j", (status, body, Expected) => {
    const error = errorFromHttp(status, body, undefined, "openai");
    expect(error).toBeInstanceOf(Expected);
    expect(error.status).toBe(status);
    expect(error.provider).toBe("openai");
  });

  it("classifies in-stream errors (no status) by code", () => {
    expect(errorFromHttp(undefined, { code: "insufficient_quota" }, undefined, "openai")).toBeInstanceOf(
      QuotaExhaustedError,
    );
    expect(errorFromHttp(undefined, { code: "rate_limit_exceeded" }, undefined, "openai")).toBeInstanceOf(
      RateLimitedError,
    );
    expect(errorFromHttp(undefined, { code: "invalid_prompt" }, undefined, "openai")).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(errorFromHttp(undefined, { code: "server_error" }, undefined, "openai")).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(errorFromHttp(undefined, { error: { type: "overloaded_error" } }, undefined, "x")).toBeInstanceOf(
      OverloadedError,
    );
  });

  it("takes retry-after from the headers and puts type/code in the message", () => {
    const error = errorFromHttp(
      429,
      openaiBody("requests", "rate_limit_exceeded", "slow down"),
      new Headers({ "retry-after-ms": "1500" }),
      "openai",
    );
    expect(error.retryAfterMs).toBe(1500);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("openai 429 (requests/rate_limit_exceeded): slow down");
  });

  it("lets x-should-retry override retryability, but never makes exhausted quota retryable", () => {
    expect(errorFromHttp(500, {}, { "x-should-retry": "false" }, "openai").retryable).toBe(false);
    expect(errorFromHttp(400, {}, { "x-should-retry": "true" }, "openai").retryable).toBe(true);
    const quota = errorFromHttp(
      429,
      openaiBody("insufficient_quota", "insufficient_quota"),
      { "x-should-retry": "true" },
      "openai",
    );
    expect(quota.retryable).toBe(false);
  });
});
