import { describe, expect, it } from "vitest";
import { ContinuationJoiner, repeatedLength, stripOverlap } from "./overlap.js";

describe("stripOverlap (contract)", () => {
  it("keeps a three-letter mid-word coincidence but drops a four-letter one", () => {
    expect(stripOverlap("the environ", "ronment")).toBe("ronment");
    expect(stripOverlap("the environ", "ironment")).toBe("ment");
  });

  it("drops a restart of a delivered text shorter than a mid-word repeat", () => {
    expect(stripOverlap("Hi", "Hi there")).toBe(" there");
  });

  it("does not split a number: digits are word characters", () => {
    expect(stripOverlap("version 12", "23 released")).toBe("23 released");
  });

  it("drops a long restart of the last thousand characters", () => {
    const delivered = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");
    expect(delivered.length).toBeGreaterThan(1000);
    expect(stripOverlap(delivered, `${delivered.slice(-1000)} more`)).toBe(" more");
  });
});

describe("repeatedLength while text is still arriving", () => {
  it("waits while the continuation is only whitespace", () => {
    expect(repeatedLength("Hello", "  ", false)).toBeUndefined();
    expect(repeatedLength("Hello", "  ", true)).toBe(0);
  });

  it("waits while the continuation could still grow into a longer repeat", () => {
    expect(repeatedLength("The quick brown", "quick br", false)).toBeUndefined();
    expect(repeatedLength("The quick brown", "quick br", true)).toBe(0);
  });

  it("waits after a repeat while only whitespace follows it, then keeps what the delivered text lacks", () => {
    expect(repeatedLength("The quick brown", "brown ", false)).toBeUndefined();
    expect(repeatedLength("The quick brown", "brown ", true)).toBe(5);
    expect(repeatedLength("The quick brown ", "brown  fox", false)).toBe(6);
  });

  it("decides at once when the first text cannot be a repeat", () => {
    expect(repeatedLength("The quick brown", " fox", false)).toBe(0);
  });
});

describe("ContinuationJoiner (contract)", () => {
  it("lets other events through before any text without deciding", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    const finish = { type: "finish", finishReason: "stop" } as const;
    expect(joiner.push(finish)).toEqual([finish]);
    expect(joiner.push({ type: "text-delta", text: "brown fox" })).toEqual([
      { type: "text-delta", text: " fox" },
    ]);
  });

  it("decides on the held text when other content arrives, passing it on before that content", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: "quick" })).toEqual([]);
    const finish = { type: "finish", finishReason: "stop" } as const;
    expect(joiner.push(finish)).toEqual([{ type: "text-delta", text: "quick" }, finish]);
  });

  it.each([
    ["usage", { type: "usage", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }],
    ["response metadata", { type: "response-metadata", requestId: "r" }],
  ] as const)("keeps comparing across %s that arrives mid-repeat", (_name, event) => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: "quick" })).toEqual([]);
    expect(joiner.push(event)).toEqual([event]);
    expect(joiner.push({ type: "text-delta", text: " brown fox" })).toEqual([
      { type: "text-delta", text: " fox" },
    ]);
  });

  it("releases the held text, minus the repeat, when the stream ends", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: "quick" })).toEqual([]);
    expect(joiner.end()).toEqual([{ type: "text-delta", text: "quick" }]);
    expect(joiner.end()).toEqual([]);
  });

  it("releases nothing at the end when the held text was all repeat", () => {
    const joiner = new ContinuationJoiner("The quick brown");
    expect(joiner.push({ type: "text-delta", text: "brown" })).toEqual([]);
    expect(joiner.end()).toEqual([]);
  });
});
