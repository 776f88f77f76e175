import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { contains, containsAll, exactMatch, matchesRegex } from "./text-checks.js";

describe("exactMatch", () => {
  it("takes one reference as a plain string, matching it whole, never a part of it", () => {
    expect(exactMatch("Paris", "Paris")).toBe(1);
    expect(exactMatch("Par", "Paris")).toBe(0);
    expect(exactMatch("", "Paris")).toBe(0);
    expect(exactMatch("Lyon", ["Paris", "Lyon"])).toBe(1);
    expect(exactMatch("Par", ["Paris"])).toBe(0);
  });
});

describe("contains", () => {
  it("is case-sensitive unless asked to ignore case", () => {
    expect(contains("Hello World", "world")).toBe(0);
    expect(contains("Hello World", "World")).toBe(1);
    expect(contains("Hello World", "world", { ignoreCase: false })).toBe(0);
    expect(contains("Hello World", "WORLD", { ignoreCase: true })).toBe(1);
    expect(contains("Hello World", "planet", { ignoreCase: true })).toBe(0);
  });
});

describe("containsAll", () => {
  it("scores the share of needles found, with the same case option", () => {
    expect(containsAll("Alpha beta gamma", ["alpha", "beta", "delta"])).toBeCloseTo(1 / 3, 12);
    expect(containsAll("Alpha beta gamma", ["alpha", "beta", "delta"], { ignoreCase: true })).toBeCloseTo(
      2 / 3,
      12,
    );
    expect(containsAll("Alpha beta gamma", ["gamma"])).toBe(1);
  });

  it("refuses an empty list of needles rather than dividing by zero", () => {
    expect(() => containsAll("text", [])).toThrow(
      new EvalInputError("containsAll needs at least one string to look for"),
    );
  });
});

describe("matchesRegex", () => {
  it("compiles a pattern string with the flags given, and uses a RegExp as it is", () => {
    expect(matchesRegex("ORDER #12", "order #\\d+")).toBe(0);
    expect(matchesRegex("ORDER #12", "order #\\d+", "i")).toBe(1);
    // The flags are for pattern strings; a RegExp keeps its own.
    expect(matchesRegex("ORDER #12", /order/, "i")).toBe(0);
    expect(matchesRegex("ORDER #12", /order/i)).toBe(1);
  });

  it("gives the same answer every time for a global RegExp (lastIndex is reset)", () => {
    const re = /b/g;
    expect([matchesRegex("abc", re), matchesRegex("abc", re), matchesRegex("abc", re)]).toEqual([1, 1, 1]);
  });

  it("reports an invalid pattern string as an input error, naming it and keeping the cause", () => {
    let error: unknown;
    try {
      matchesRegex("x", "a(b");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvalInputError);
    expect((error as Error).message).toMatch(
      /^invalid regular expression \/a\(b\/: .*(unterminated|missing|\))/i,
    );
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
