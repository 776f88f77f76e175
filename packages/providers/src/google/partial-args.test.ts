import { OutputParseError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { PartialArgsBuilder, parseJsonPath } from "./partial-args.js";

describe("PartialArgsBuilder", () => {
  it("appends continued strings and sets typed values at nested paths", () => {
    const b = new PartialArgsBuilder({ fixed: true });
    b.apply({ jsonPath: "$.location", stringValue: "San ", willContinue: true });
    b.apply({ jsonPath: "$.location", stringValue: "Francisco", willContinue: true });
    b.apply({ jsonPath: "$.location", stringValue: "" });
    b.apply({ jsonPath: "$.days", numberValue: 3 });
    b.apply({ jsonPath: "$.opts.metric", boolValue: false });
    b.apply({ jsonPath: "$.stops[1]['name x']", stringValue: "B" });
    b.apply({ jsonPath: "$.note", nullValue: null });
    expect(b.args).toEqual({
      fixed: true,
      location: "San Francisco",
      days: 3,
      opts: { metric: false },
      stops: [undefined, { "name x": "B" }],
      note: null,
    });
  });

  it("starts a new string when the previous fragment did not continue", () => {
    const b = new PartialArgsBuilder();
    b.apply({ jsonPath: "$.a", stringValue: "x" });
    b.apply({ jsonPath: "$.a", stringValue: "y" });
    expect(b.args).toEqual({ a: "y" });
  });

  it("rejects paths it cannot place, including prototype keys", () => {
    expect(parseJsonPath("$.a[2].b")).toEqual(["a", 2, "b"]);
    expect(() => parseJsonPath("a.b")).toThrow(OutputParseError);
    expect(() => parseJsonPath("$")).toThrow(OutputParseError);
    expect(() => new PartialArgsBuilder().apply({ jsonPath: "$.__proto__.x", stringValue: "1" })).toThrow(
      OutputParseError,
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(() => new PartialArgsBuilder().apply({ jsonPath: "$.a" })).toThrow(/carries no value/);
  });
});
