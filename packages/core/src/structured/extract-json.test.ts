import { describe, expect, it } from "vitest";
import { extractJsonText, extractPartialJsonText } from "./extract-json.js";

describe("extractJsonText", () => {
  it.each([
    ['Here you go:\n```json\n{"a": 1}\n```\nAnything else?', '{"a": 1}'],
    ["```\n[1, 2]\n```", "[1, 2]"],
    ['  {"a": 1}  ', '{"a": 1}'],
    ['Sure! {"a": {"b": "}"}} is the answer.', '{"a": {"b": "}"}}'],
    ["The list: [1, [2, 3]] done", "[1, [2, 3]]"],
    ['"just a string"', '"just a string"'],
    ['prefix {"a": 1', '{"a": 1'],
    ["no json here", "no json here"],
  ])("finds the JSON in %j", (text, expected) => {
    expect(extractJsonText(text)).toBe(expected);
  });
});

describe("extractPartialJsonText", () => {
  it("takes the body of an open fence", () => {
    expect(extractPartialJsonText('Ok:\n```json\n{"a": ')).toBe('{"a": ');
    expect(extractPartialJsonText('```json\n{"a": 1}\n```\nbye')).toBe('{"a": 1}\n');
  });

  it("starts at the first bracket, or finds nothing", () => {
    expect(extractPartialJsonText('Sure {"a"')).toBe('{"a"');
    expect(extractPartialJsonText("Sure, let me")).toBeUndefined();
  });
});
