import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import { isKeelError, KeelError, OverloadedError, QuotaExhaustedError, RateLimitedError } from "./errors.js";

describe("error hierarchy", () => {
  it("carries code, retryable, status, provider, cause and retry-after", () => {
    const cause = new Error("root");
    const e = new RateLimitedError("slow down", {
      provider: "openai",
      status: 429,
      retryAfterMs: 1500,
      cause,
    });
    expect(e).toMatchObject({
      code: "rate-limited",
      retryable: true,
      status: 429,
      provider: "openai",
      retryAfterMs: 1500,
    });
    expect(e.cause).toBe(cause);
    expect(e.name).toBe("RateLimitedError");
    expect(new QuotaExhaustedError("no credit").retryable).toBe(false);
  });

  it("instanceof works by brand and code, even for a second copy of the package", () => {
    const e = new OverloadedError("busy");
    expect(e).toBeInstanceOf(KeelError);
    expect(e).toBeInstanceOf(OverloadedError);
    expect(e).not.toBeInstanceOf(RateLimitedError);
    // Simulate an error thrown by another copy of @keel/core: same brand, different class objects.
    const foreign = Object.assign(Object.create(Error.prototype), { code: "overloaded" });
    Object.defineProperty(foreign, Symbol.for("keel.error"), { value: true });
    expect(foreign).toBeInstanceOf(OverloadedError);
    expect(foreign).toBeInstanceOf(KeelError);
    expect(isKeelError(foreign)).toBe(true);
    expect(new Error("plain")).not.toBeInstanceOf(KeelError);
  });

  it("every error class has a distinct code", () => {
    const codes = Object.values(errors)
      .filter((v): v is typeof KeelError => typeof v === "function" && "code" in v)
      .map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThanOrEqual(16);
  });
});
