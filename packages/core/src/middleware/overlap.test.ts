import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../model.js";
import { ContinuationJoiner, stripOverlap } from "./overlap.js";

/** Feeds `continuation` to a joiner in the given chunks and returns the text it lets through. */
function joinInChunks(delivered: string, chunks: string[]): string {
  const joiner = new ContinuationJoiner(delivered);
  const out: StreamEvent[] = [];
  for (const text of chunks) out.push(...joiner.push({ type: "text-delta", text }));
  out.push(...joiner.end());
  return out.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
}

describe("stripOverlap", () => {
  it.each([
    ["no overlap: keeps the continuation whole", "The quick brown", " fox jumps.", " fox jumps."],
    ["repeats the last words", "The quick brown", " quick brown fox jumps.", " fox jumps."],
    ["repeats the last words without the leading space", "The quick brown", "quick brown fox", " fox"],
    ["repeats a word cut in half", "The quick bro", "brown fox", "wn fox"],
    ["repeats a cut word after a space", "The quick bro", " brown fox", "wn fox"],
    ["restarts the whole answer", "The capital of France is Par", "The capital of France is Paris.", "is."],
    ["drops whitespace the delivered text already ends with", "Hello ", " world", "world"],
    ["overlap behind a trailing space", "The quick brown ", "brown fox", "fox"],
    ["blank lines are not doubled", "para one.\n\n", "\n\npara two", "para two"],
    ["a single repeated newline", "para one.\n\n", "\npara two", "para two"],
    ["keeps a mid-word coincidence", "the cat", "tastes fish", "tastes fish"],
    ["keeps a short mid-word coincidence (Par + ris)", "is Par", "ris.", "ris."],
    ["a long mid-word repeat is a repeat", "the environment", "ments are", "s are"],
    ["whitespace-only continuation after whitespace", "Hello ", " ", ""],
    ["empty continuation", "Hello", "", ""],
  ])("%s", (_name, delivered, continuation, expected) => {
    expect(stripOverlap(delivered, continuation)).toBe(expected);
  });

  it("joins to a text without a repeated span at the seam", () => {
    const delivered = "Paris is the capital of France. It is known for";
    const joined = delivered + stripOverlap(delivered, " It is known for its museums.");
    expect(joined).toBe("Paris is the capital of France. It is known for its museums.");
  });
});

describe("ContinuationJoiner", () => {
  it("holds text back only while it may still repeat the delivered text", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: " qu" })).toEqual([]);
    expect(joiner.push({ type: "text-delta", text: "ick brown" })).toEqual([]);
    expect(joiner.push({ type: "text-delta", text: " fox" })).toEqual([{ type: "text-delta", text: " fox" }]);
    // Settled: later text passes straight through.
    expect(joiner.push({ type: "text-delta", text: " quick" })).toEqual([
      { type: "text-delta", text: " quick" },
    ]);
  });

  it("releases at once when the first chunk cannot be a repeat", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: " fox" })).toEqual([{ type: "text-delta", text: " fox" }]);
  });

  it("passes usage and metadata through without deciding, and decides before other content", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "response-metadata", requestId: "r" })).toEqual([
      { type: "response-metadata", requestId: "r" },
    ]);
    expect(joiner.push({ type: "text-delta", text: "brown" })).toEqual([]);
    const usage = { type: "usage", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } } as const;
    expect(joiner.push(usage)).toEqual([usage]);
    expect(joiner.push({ type: "finish", finishReason: "stop" })).toEqual([
      { type: "finish", finishReason: "stop" },
    ]);
    expect(joiner.end()).toEqual([]);
  });

  it("gives the same text as stripOverlap however the continuation is chunked", () => {
    const alphabet = fc.constantFrom("a", "b", " ", "\n", "é", ".");
    const text = fc.string({ unit: alphabet, maxLength: 24 });
    fc.assert(
      fc.property(text, text, fc.array(fc.nat(), { maxLength: 6 }), (delivered, continuation, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (continuation.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, continuation.length]
          .slice(0, -1)
          .map((start, i, starts) => continuation.slice(start, starts[i + 1] ?? continuation.length));
        expect(joinInChunks(delivered, chunks)).toBe(stripOverlap(delivered, continuation));
      }),
      { numRuns: 500 },
    );
  });
});
