import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { canonicalJson, sha256Hex } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts object keys at every level and leaves undefined members out", () => {
    const a = { b: 1, a: { d: [1, { z: true, y: null }], c: "x" }, skip: undefined };
    const b = { a: { c: "x", d: [1, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson({ only: undefined })).toBe("{}");
  });

  it("writes primitives as JSON does, and undefined (alone or in an array) as null", () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(1.5)).toBe("1.5");
    expect(canonicalJson(false)).toBe("false");
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([1, undefined, "x", [], [null]])).toBe('[1,null,"x",[],[null]]');
    expect(canonicalJson([])).toBe("[]");
  });

  it("refuses values JSON cannot carry (bigint, function, symbol), naming their type", () => {
    const cases: Array<[unknown, string]> = [
      [10n, "bigint"],
      [() => 1, "function"],
      [Symbol("s"), "symbol"],
    ];
    for (const [value, type] of cases) {
      expect(() => canonicalJson(value)).toThrow(InvalidRequestError);
      expect(() => canonicalJson({ nested: [value] })).toThrow(
        `cannot build a cache key from a ${type} value`,
      );
    }
  });
});

describe("sha256Hex", () => {
  it("gives the lower-case hex SHA-256 of the text's UTF-8 bytes", async () => {
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Non-ASCII text hashes its UTF-8 encoding: 64 hex digits, leading zeros kept.
    const digest = await sha256Hex("é");
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toBe(await sha256Hex("e"));
  });
});
