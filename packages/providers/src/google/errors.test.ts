import {
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
} from "@google/generative-ai";
import {
  AbortedError,
  AuthenticationError,
  ContextLengthExceededError,
  InvalidRequestError,
  NetworkError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "@keel/core";
import { describe, expect, it } from "vitest";
import { toGoogleError } from "./errors.js";

/** Builds the error exactly as the SDK's handleResponseNotOk does. */
function fetchError(status: number, statusText: string, message: string, details?: unknown[]) {
  const text = details ? `${message} ${JSON.stringify(details)}` : message;
  return new GoogleGenerativeAIFetchError(
    `Error fetching from https://x/v1beta/models/m:generateContent: [${status} ${statusText}] ${text}`,
    status,
    statusText,
    details as never,
  );
}

describe("toGoogleError", () => {
  it("keeps the API message without the SDK's URL prefix and details JSON", () => {
    const err = toGoogleError(fetchError(404, "Not Found", "models/x is not found.", [{ "@type": "t" }]));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toBe("Gemini 404: models/x is not found.");
    expect(err).toMatchObject({ status: 404, provider: "google", body: { details: [{ "@type": "t" }] } });
  });

  it("maps 400s by reason and message", () => {
    const key = [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }];
    expect(toGoogleError(fetchError(400, "Bad Request", "API key not valid.", key))).toBeInstanceOf(
      AuthenticationError,
    );
    const tooLong = "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).";
    expect(toGoogleError(fetchError(400, "Bad Request", tooLong))).toBeInstanceOf(ContextLengthExceededError);
    expect(toGoogleError(fetchError(400, "Bad Request", "Invalid JSON payload"))).toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it("maps auth, permission and server statuses", () => {
    expect(toGoogleError(fetchError(401, "Unauthorized", "x"))).toBeInstanceOf(AuthenticationError);
    expect(
      toGoogleError(fetchError(403, "Forbidden", "Method doesn't allow unregistered callers")),
    ).toBeInstanceOf(AuthenticationError);
    expect(toGoogleError(fetchError(403, "Forbidden", "The caller does not have permission"))).toBeInstanceOf(
      PermissionError,
    );
    expect(toGoogleError(fetchError(500, "Internal Server Error", "internal"))).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(toGoogleError(fetchError(503, "Service Unavailable", "The model is overloaded."))).toBeInstanceOf(
      OverloadedError,
    );
    expect(toGoogleError(fetchError(504, "Gateway Timeout", "Deadline exceeded"))).toBeInstanceOf(
      TimeoutError,
    );
    expect(toGoogleError(fetchError(499, "Client Closed Request", "cancelled"))).toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it("tells a per-minute rate limit from an exhausted daily quota or prepaid credits", () => {
    const retry = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "62.5s" };
    const perMinute = {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }],
    };
    const perDay = {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }],
    };
    const limited = toGoogleError(fetchError(429, "Too Many Requests", "quota", [perMinute, retry]));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(62_500);
    const daily = toGoogleError(fetchError(429, "Too Many Requests", "quota", [perDay, retry]));
    expect(daily).toBeInstanceOf(QuotaExhaustedError);
    expect(daily.retryable).toBe(false);
    expect(
      toGoogleError(fetchError(429, "Too Many Requests", "Your prepayment credits are depleted.")),
    ).toBeInstanceOf(QuotaExhaustedError);
  });

  it("maps the SDK's generic errors", () => {
    const sdk = (m: string) => new GoogleGenerativeAIError(m);
    expect(toGoogleError(sdk("Error fetching from http://x: fetch failed"))).toBeInstanceOf(NetworkError);
    expect(toGoogleError(sdk("Error reading from the stream"))).toBeInstanceOf(NetworkError);
    expect(toGoogleError(sdk("Failed to parse stream"))).toBeInstanceOf(ProviderUnavailableError);
    expect(toGoogleError(sdk('Error parsing JSON response: "{"'))).toBeInstanceOf(ProviderUnavailableError);
    expect(toGoogleError(new SyntaxError("Unexpected end of JSON input"))).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(toGoogleError(new GoogleGenerativeAIAbortError("aborted"))).toBeInstanceOf(AbortedError);
  });

  it("reports the signal's reason once it has fired", () => {
    const controller = new AbortController();
    controller.abort(new TimeoutError("deadline passed"));
    const err = toGoogleError(
      new GoogleGenerativeAIError("Error reading from the stream"),
      controller.signal,
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("deadline passed");
  });
});
