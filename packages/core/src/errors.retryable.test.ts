import { describe, expect, it } from "vitest";
import {
  AbortedError,
  AuthenticationError,
  BudgetExceededError,
  CircuitOpenError,
  ContentFilteredError,
  ContextLengthExceededError,
  InvalidRequestError,
  isKeelError,
  KeelError,
  NetworkError,
  OutputParseError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "./errors.js";
import { McpToolError } from "./mcp/mcp-errors.js";

describe("which errors are worth retrying by default", () => {
  it("retries transient failures: rate limits, overload, timeouts, network resets, 5xx, an open circuit", () => {
    for (const Transient of [
      RateLimitedError,
      OverloadedError,
      TimeoutError,
      NetworkError,
      ProviderUnavailableError,
      CircuitOpenError,
    ]) {
      expect(new Transient("transient").retryable, Transient.name).toBe(true);
    }
  });

  it("does not retry what a second attempt cannot fix, nor an unknown error", () => {
    for (const Permanent of [
      KeelError,
      QuotaExhaustedError,
      AbortedError,
      AuthenticationError,
      PermissionError,
      InvalidRequestError,
      ContextLengthExceededError,
      ContentFilteredError,
      OutputParseError,
      BudgetExceededError,
    ]) {
      expect(new Permanent("permanent").retryable, Permanent.name).toBe(false);
    }
  });

  it("lets the thrower override the default either way", () => {
    expect(new KeelError("known transient", { retryable: true }).retryable).toBe(true);
    expect(new TimeoutError("not this time", { retryable: false }).retryable).toBe(false);
  });

  it("gives an error of the base class the code 'unknown' and the name KeelError", () => {
    const error = new KeelError("something");
    expect(error.code).toBe("unknown");
    expect(error.name).toBe("KeelError");
  });

  it("names the errors defined outside this file after their classes too", () => {
    expect(new McpToolError("tool failed", []).name).toBe("McpToolError");
  });

  it("adds no cause property when there was no cause, so logs show none", () => {
    expect("cause" in new TimeoutError("late")).toBe(false);
    expect(new TimeoutError("late", { cause: 0 }).cause).toBe(0);
  });
});

describe("recognizing a Keel error", () => {
  it("says no to null, undefined, primitives and plain look-alikes without throwing", () => {
    for (const value of [null, undefined, 0, "timeout", { code: "timeout", retryable: true }]) {
      expect(isKeelError(value)).toBe(false);
      expect(value instanceof KeelError).toBe(false);
      expect(value instanceof TimeoutError).toBe(false);
    }
  });

  it("needs the brand to be exactly true", () => {
    const fake = { code: "timeout" };
    Object.defineProperty(fake, Symbol.for("keel.error"), { value: "yes" });
    expect(isKeelError(fake)).toBe(false);
    expect(fake instanceof TimeoutError).toBe(false);
  });
});
