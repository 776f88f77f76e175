import { getTokenizer } from "@keel/core/tokens";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Chunk, RagDocument } from "../types.js";
import { markdownChunker, markdownSections } from "./markdown-chunker.js";
import { recursiveChunker } from "./recursive-chunker.js";
import { sentenceChunker } from "./sentence-chunker.js";
import { tokenChunker } from "./token-chunker.js";

const prose = Array.from(
  { length: 40 },
  (_, i) => `Sentence number ${i} talks about topic ${i % 7}, with some more words to make it longer.`,
).join(" ");

function expectFaithful(doc: RagDocument, chunks: Chunk[]) {
  chunks.forEach((c, i) => {
    expect(doc.text.slice(c.start, c.end)).toBe(c.text);
    expect(c.documentId).toBe(doc.id);
    expect(c.index).toBe(i);
    expect(c.id).toMatch(/^[0-9a-f]{32}$/);
  });
  // Chunks cover every non-space character of the document.
  const covered = new Uint8Array(doc.text.length);
  for (const c of chunks) covered.fill(1, c.start, c.end);
  for (let i = 0; i < doc.text.length; i++) if (!/\s/.test(doc.text[i]!)) expect(covered[i]).toBe(1);
}

describe("chunkers", () => {
  it("recursive: pieces within size, overlapping, offsets exact, ids stable", async () => {
    const doc = { id: "d", text: prose };
    const chunker = recursiveChunker({ chunkSize: 300, overlap: 100 });
    const chunks = await chunker.chunk(doc);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
    expectFaithful(doc, chunks);
    expect(chunks[1]!.start).toBeLessThan(chunks[0]!.end);
    expect((await chunker.chunk(doc)).map((c) => c.id)).toEqual(chunks.map((c) => c.id));
    expect(() => recursiveChunker({ chunkSize: 100, overlap: 100 })).toThrow(/overlap/);
  });

  it("recursive: holds for any text (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 600 }),
        fc.integer({ min: 5, max: 80 }),
        async (text, size) => {
          fc.pre(text.trim().length > 0 && !/[\uD800-\uDFFF]/.test(text));
          const doc = { id: "p", text };
          const chunks = await recursiveChunker({ chunkSize: size, overlap: Math.floor(size / 4) }).chunk(
            doc,
          );
          for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(size);
          expectFaithful(doc, chunks);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("token: windows within maxTokens by core's tokenizer, with overlap", async () => {
    const doc = { id: "t", text: prose };
    // cl100k_base: the smaller rank table loads faster; the chunker code is the same for both.
    const chunks = await tokenChunker({ maxTokens: 64, overlapTokens: 16, encoding: "cl100k_base" }).chunk(
      doc,
    );
    const tokenizer = await getTokenizer("cl100k_base");
    for (const c of chunks) expect(tokenizer.count(c.text)).toBeLessThanOrEqual(64);
    expectFaithful(doc, chunks);
    expect(chunks[1]!.start).toBeLessThan(chunks[0]!.end);
    const long = { id: "w", text: "x".repeat(5000) };
    const parts = await tokenChunker({ maxTokens: 50, overlapTokens: 0, encoding: "cl100k_base" }).chunk(
      long,
    );
    for (const c of parts) expect(tokenizer.count(c.text)).toBeLessThanOrEqual(50);
    expectFaithful(long, parts);
  });

  it("markdown: chunks never cross sections and carry the heading path", async () => {
    const text =
      "Intro line.\n\n# Guide\n\nText A.\n\n## Install\n\n```\n# not a heading\n```\nSteps.\n\n## Use\n\nUse it.\n\n# Other\n\nZ.";
    expect(markdownSections(text).map((s) => s.headingPath)).toEqual([
      [],
      ["Guide"],
      ["Guide", "Install"],
      ["Guide", "Use"],
      ["Other"],
    ]);
    const doc = { id: "m.md", text };
    const chunks = await markdownChunker({ chunkSize: 200, overlap: 0 }).chunk(doc);
    expectFaithful(doc, chunks);
    const install = chunks.find((c) => c.text.includes("Steps."))!;
    expect(install.headingPath).toEqual(["Guide", "Install"]);
    expect(install.text).toContain("# not a heading");
    expect(chunks.find((c) => c.text.includes("Z."))!.headingPath).toEqual(["Other"]);
  });

  it("sentence: whole sentences packed up to the size", async () => {
    const doc = { id: "s", text: "Dr. Smith arrived. He sat down! Did it work? Yes. ".repeat(10) };
    const chunks = await sentenceChunker({ chunkSize: 80 }).chunk(doc);
    expectFaithful(doc, chunks);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(80);
      expect(c.text).toMatch(/[.!?]$/);
    }
  });

  it("refuses empty documents with a DocumentError naming them", async () => {
    await expect(recursiveChunker().chunk({ id: "e", text: "   " })).rejects.toThrow(/"e": text is empty/);
    await expect(tokenChunker().chunk({ id: "", text: "x" })).rejects.toThrow(/id must be/);
  });
});
