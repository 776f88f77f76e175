import { InvalidRequestError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { DocumentError } from "../errors.js";
import { htmlToText, loadHtml } from "./html-loader.js";
import { loadMarkdown } from "./markdown-loader.js";
import { loadJson, loadJsonl } from "./records-loader.js";
import { loadText } from "./text-loader.js";

describe("loaders", () => {
  it("loads text from UTF-8 bytes and refuses invalid UTF-8 naming the document", () => {
    const doc = loadText("a.txt", new TextEncoder().encode("Grüße\r\nzwei"), { lang: "de" });
    expect(doc).toEqual({ id: "a.txt", text: "Grüße\nzwei", metadata: { lang: "de" } });
    const bad = new Uint8Array([0x48, 0x69, 0xff, 0xfe]);
    expect(() => loadText("broken.txt", bad)).toThrow(DocumentError);
    expect(() => loadText("broken.txt", bad)).toThrow(/"broken.txt": is not valid UTF-8/);
    expect(() => loadText("empty.txt", "  \n ")).toThrow(/"empty.txt": text is empty/);
    expect(() => loadText("lone", "a\uD800b")).toThrow(/lone surrogate/);
    expect(() => loadText("huge", "a".repeat(20_000_001))).toThrow(
      /"huge": text has 20000001 characters, more than the limit/,
    );
    const err = (() => {
      try {
        loadText("x", "");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as DocumentError).documentId).toBe("x");
  });

  it("keeps Markdown as written, drops front matter and takes the first heading as title", () => {
    const doc = loadMarkdown("guide.md", "---\nlayout: x\n---\n# Install\n\nRun it.\n");
    expect(doc.text).toBe("# Install\n\nRun it.\n");
    expect(doc.metadata).toEqual({ title: "Install" });
  });

  it("turns HTML into text with headings as Markdown lines, dropping scripts and styles", () => {
    const html = `<html><head><title>Guide &amp; more</title><style>p{}</style></head><body>
      <h1>Setup</h1><p>First   paragraph<br>second line.</p><script>alert(1)</script>
      <h2>Linux</h2><ul><li>apt</li><li>dnf</li></ul><p>Caf&eacute; done.</p></body></html>`;
    const { text, title } = htmlToText(html);
    expect(title).toBe("Guide & more");
    expect(text).toBe("# Setup\n\nFirst paragraph\nsecond line.\n\n## Linux\n\n- apt\n- dnf\n\nCafé done.");
    expect(loadHtml("p.html", html).metadata).toEqual({ title: "Guide & more" });
    expect(() => loadHtml("blank.html", "<script>x</script>")).toThrow(/"blank.html": text is empty/);
  });

  it("loads JSON and JSONL records, naming the line of a bad one", () => {
    const docs = loadJsonl(
      '{"_id":"1","title":"T","text":"Body","year":2020}\n\n{"_id":2,"text":"Two","tags":["a","b"]}\n',
    );
    expect(docs).toEqual([
      { id: "1", text: "T\n\nBody", metadata: { year: 2020 } },
      { id: "2", text: "Two", metadata: { tags: ["a", "b"] } },
    ]);
    expect(() => loadJsonl('{"_id":"1","text":"ok"}\n{"_id":"2", oops}', {}, "data.jsonl")).toThrow(
      /"data.jsonl line 2": is not valid JSON/,
    );
    expect(() => loadJsonl('{"text":"no id"}', {}, "d")).toThrow(/"d line 1": field "_id"/);
    expect(() => loadJsonl('{"id":"e","text":""}')).toThrow(/"e": text is empty/);
    expect(
      loadJson('[{"id":"x","body":"hello","n":1}]', { textFields: ["body"], metadataFields: ["n"] }),
    ).toEqual([{ id: "x", text: "hello", metadata: { n: 1 } }]);
    expect(() =>
      loadJson('{"id":"x","body":"hi","n":{"deep":1}}', { textFields: ["body"], metadataFields: ["n"] }),
    ).toThrow(/"x": metadata field "n"/);
  });
});
