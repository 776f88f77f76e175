import { describe, expect, it } from "vitest";
import { AbortedError, KeelError, NetworkError, RateLimitedError, TimeoutError } from "./errors.js";
import { toKeelError } from "./to-keel-error.js";

describe("toKeelError", () => {
  it("passes Keel errors through unchanged", () => {
    const error = new RateLimitedError("slow down", { provider: "openai" });
    expect(toKeelError(error)).toBe(error);
  });

  it.each([
    ["Node's fetch", new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })],
    ["Node's fetch, body cut", new TypeError("terminated")],
    ["a socket error code", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["workerd (Cloudflare Workers)", new Error("Network connection lost.")],
  ])("reads a lost connection from %s as a retryable network error", (_, error) => {
    const keel = toKeelError(error, "openai");
    expect(keel).toBeInstanceOf(NetworkError);
    expect(keel).toMatchObject({ code: "network", retryable: true, provider: "openai", cause: error });
  });

  it("reads aborts and timeouts by their DOMException names", () => {
    expect(toKeelError(new DOMException("stop", "AbortError"))).toBeInstanceOf(AbortedError);
    expect(toKeelError(new DOMException("late", "TimeoutError"))).toBeInstanceOf(TimeoutError);
  });

  it("keeps anything else a plain, non-retryable Keel error", () => {
    const keel = toKeelError(new Error("Network connection lost. Or was it?"));
    expect(keel).not.toBeInstanceOf(NetworkError);
    expect(keel).toBeInstanceOf(KeelError);
    expect(keel.code).toBe("unknown");
    expect(toKeelError("a string").message).toBe("a string");
  });
});
