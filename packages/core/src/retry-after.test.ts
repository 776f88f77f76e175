import { describe, expect, it } from "vitest";
import { parseGoDuration, retryAfterFromHeaders } from "./retry-after.js";

describe("retryAfterFromHeaders", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("prefers retry-after-ms", () => {
    expect(retryAfterFromHeaders(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(
      250,
    );
  });
  it("reads retry-after as seconds or an HTTP date", () => {
    expect(retryAfterFromHeaders({ "retry-after": "2" }, now)).toBe(2000);
    expect(retryAfterFromHeaders({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }, now)).toBe(5000);
  });
  it("reads OpenAI and Anthropic reset headers", () => {
    expect(
      retryAfterFromHeaders({ "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s" }, now),
    ).toBe(360_000);
    expect(retryAfterFromHeaders({ "anthropic-ratelimit-requests-reset": "2026-01-01T00:00:03Z" }, now)).toBe(
      3000,
    );
  });
  it("is undefined when nothing is said", () => {
    expect(retryAfterFromHeaders({}, now)).toBeUndefined();
    expect(parseGoDuration("soon")).toBeUndefined();
    expect(parseGoDuration("34.4s")).toBe(34_400);
  });
});
