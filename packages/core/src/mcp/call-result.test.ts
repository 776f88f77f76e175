import { describe, expect, it } from "vitest";
import { contentToParts, toCallResult } from "./call-result.js";
import { toServedResult } from "./served-result.js";

const mark = (text: string) => `«${text}»`;

describe("MCP results in core's terms", () => {
  it("maps every content block kind to a part, isolating text", () => {
    expect(
      contentToParts(
        [
          { type: "text", text: "hi" },
          { type: "image", mimeType: "image/png", data: "AAAA" },
          { type: "audio", mimeType: "audio/wav", data: "AAAA" },
          { type: "resource_link", uri: "file:///a.txt", name: "a" },
          { type: "resource", resource: { uri: "file:///b.txt", text: "inside" } },
          { type: "resource", resource: { uri: "file:///c.bin", blob: "AAAA" } },
        ],
        mark,
      ),
    ).toEqual([
      { type: "text", text: "«hi»" },
      { type: "image", mediaType: "image/png", data: "AAAA" },
      { type: "file", mediaType: "audio/wav", data: "AAAA" },
      { type: "text", text: "«Resource a: file:///a.txt»" },
      { type: "text", text: "«inside»" },
      { type: "file", mediaType: "application/octet-stream", data: "AAAA", filename: "file:///c.bin" },
    ]);
  });

  it("gives the model text, structured JSON when there is no text, and a line per binary part", () => {
    expect(toCallResult({ content: [], structuredContent: { sum: 3 } }, mark).text).toBe('«{"sum":3}»');
    expect(
      toCallResult(
        { content: [{ type: "image", mimeType: "image/png", data: "AAAA" }], isError: true },
        mark,
      ),
    ).toMatchObject({ isError: true, text: "[image image/png, 3 bytes, not shown as text]" });
  });

  it("serves Keel return values as MCP results", () => {
    expect(toServedResult("ok")).toEqual({ content: [{ type: "text", text: "ok" }] });
    expect(toServedResult({ a: 1 })).toEqual({
      content: [{ type: "text", text: '{"a":1}' }],
      structuredContent: { a: 1 },
    });
    expect(toServedResult([1, 2])).toEqual({ content: [{ type: "text", text: "[1,2]" }] });
    expect(toServedResult(null)).toEqual({ content: [{ type: "text", text: "null" }] });
    expect(toServedResult([{ type: "file", mediaType: "audio/wav", data: "AAAA" }])).toEqual({
      content: [{ type: "audio", mimeType: "audio/wav", data: "AAAA" }],
    });
  });
});
