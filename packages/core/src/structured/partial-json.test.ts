import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLenientJson, parsePartialJson } from "./partial-json.js";

describe("parsePartialJson", () => {
  it("reads complete JSON as complete", () => {
    expect(parsePartialJson('{"a": [1, true, null, "x\\n"]}')).toEqual({
      value: { a: [1, true, null, "x\n"] },
      complete: true,
      repairs: [],
    });
  });

  it.each([
    ['{"name": "Ad', { name: "Ad" }],
    ['{"name": "Ada", "tags": ["x", "y', { name: "Ada", tags: ["x", "y"] }],
    ['{"name": "Ada", "age": 3', { name: "Ada", age: 3 }],
    ['{"name": "Ada", "ok": tr', { name: "Ada", ok: true }],
    ['{"name": "Ada", "ag', { name: "Ada" }],
    ['{"name": "Ada", "age":', { name: "Ada" }],
    ['{"a": -', {}],
    ['{"a": "\\u00', { a: "" }],
    ["[1, 2, {", [1, 2, {}]],
  ])("reads the prefix %s", (text, expected) => {
    const parsed = parsePartialJson(text);
    expect(parsed?.value).toEqual(expected);
    expect(parsed?.complete).toBe(false);
  });

  it("keeps a __proto__ key as a plain property, as JSON.parse does", () => {
    const text = '{"__proto__": {"polluted": true}, "a": 1';
    const parsed = parsePartialJson(text)?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect((parsed as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("repairs trailing commas", () => {
    const parsed = parsePartialJson('{"a": [1, 2,], "b": 1,}');
    expect(parsed?.value).toEqual({ a: [1, 2], b: 1 });
    expect(parsed?.repairs).toEqual(["removed a trailing comma", "removed a trailing comma"]);
  });

  it.each(["{a: 1}", '{"a" 1}', "[1 2]", "hello", '{"a": 1}}', '{"a": 01x}', ""])("rejects %s", (text) => {
    expect(parsePartialJson(text)).toBeUndefined();
  });

  it("reads every prefix of any JSON value without throwing, ending with the value itself", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        for (let i = 1; i < text.length; i++) parsePartialJson(text.slice(0, i));
        expect(parsePartialJson(text)?.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("never invents keys: each prefix's object keys are keys of the final value", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (value) => {
        const text = JSON.stringify(value);
        for (let i = 1; i < text.length; i++) {
          const partial = parsePartialJson(text.slice(0, i))?.value as Record<string, string> | undefined;
          for (const [k, v] of Object.entries(partial ?? {})) {
            expect(Object.hasOwn(value, k)).toBe(true);
            expect(value[k]!.startsWith(v)).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("parseLenientJson", () => {
  it("uses JSON.parse for valid text", () => {
    expect(parseLenientJson('"x"')).toEqual({ value: "x", complete: true, repairs: [] });
  });

  it("closes unclosed braces", () => {
    expect(parseLenientJson('{"city": "Paris", "days": [1, 2')).toMatchObject({
      value: { city: "Paris", days: [1, 2] },
      complete: false,
    });
  });
});
