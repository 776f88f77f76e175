import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { checkNumberOption, MAX_TIMER_MS } from "./option-checks.js";

const message = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as Error).message;
  }
  throw new Error("expected the option to be rejected");
};

describe("checkNumberOption", () => {
  it("accepts an absent option and, by default, any number from 0 to the longest timer delay", () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    for (const value of [undefined, 0, 0.5, 1000, MAX_TIMER_MS])
      expect(() => checkNumberOption("retry", "baseDelayMs", value)).not.toThrow();
  });

  it("names the middleware, the option, the range and the bad value by default", () => {
    expect(message(() => checkNumberOption("retry", "baseDelayMs", -1))).toBe(
      "retry: option `baseDelayMs` must be a number >= 0 and <= 2147483647, got -1",
    );
    expect(message(() => checkNumberOption("retry", "baseDelayMs", MAX_TIMER_MS + 1))).toContain(
      "got 2147483648",
    );
    expect(message(() => checkNumberOption("retry", "baseDelayMs", Number.NaN))).toContain("got NaN");
    expect(message(() => checkNumberOption("retry", "baseDelayMs", Number.POSITIVE_INFINITY))).toContain(
      "got Infinity",
    );
    // A string from untyped configuration is not a number, even one that looks like it.
    expect(message(() => checkNumberOption("retry", "baseDelayMs", "5" as unknown as number))).toContain(
      "got 5",
    );
  });

  it("applies a custom min and max, inclusive, and leaves the upper bound out of the message when there is none", () => {
    const rule = { min: 2, max: 5 };
    for (const value of [2, 3.5, 5]) expect(() => checkNumberOption("m", "n", value, rule)).not.toThrow();
    expect(message(() => checkNumberOption("m", "n", 1.99, rule))).toBe(
      "m: option `n` must be a number >= 2 and <= 5, got 1.99",
    );
    expect(message(() => checkNumberOption("m", "n", 5.01, rule))).toContain("got 5.01");
    const unbounded = { max: Number.POSITIVE_INFINITY };
    expect(() => checkNumberOption("m", "n", 1e12, unbounded)).not.toThrow();
    expect(message(() => checkNumberOption("m", "n", -1, unbounded))).toBe(
      "m: option `n` must be a number >= 0, got -1",
    );
  });

  it("requires a whole number when asked, letting Infinity stand for 'no limit'", () => {
    const rule = { integer: true, max: Number.POSITIVE_INFINITY };
    for (const value of [0, 3, Number.POSITIVE_INFINITY])
      expect(() => checkNumberOption("concurrency", "max", value, rule)).not.toThrow();
    expect(message(() => checkNumberOption("concurrency", "max", 2.5, rule))).toBe(
      "concurrency: option `max` must be an integer >= 0, got 2.5",
    );
    // Without the integer rule a fraction is fine.
    expect(() =>
      checkNumberOption("concurrency", "max", 2.5, { max: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  it("rejects zero when the value must be positive, and says so", () => {
    const rule = { positive: true };
    expect(() => checkNumberOption("hedge", "quantile", 0.001, rule)).not.toThrow();
    expect(message(() => checkNumberOption("hedge", "quantile", 0, rule))).toBe(
      "hedge: option `quantile` must be a number > 0 and <= 2147483647, got 0",
    );
  });
});
