import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Message } from "../messages.js";
import { truncateMessages, truncateText } from "./truncate.js";

describe("truncateText", () => {
  it("leaves text within budget alone", () => {
    expect(truncateText("short", 10)).toMatchObject({ value: "short", truncated: false, removed: 0 });
  });

  it("keeps the start or the end, marks the cut, and fits the budget", () => {
    const text = "abcdefghij".repeat(10);
    const start = truncateText(text, 10);
    expect(start.value).toMatch(/^abcdefghij.*\n\[…truncated\]$/s);
    expect(start.tokensAfter).toBeLessThanOrEqual(10);
    expect(start.tokensBefore).toBe(25);
    const end = truncateText(text, 10, { keep: "end" });
    expect(end.value).toMatch(/^\[…truncated\]\n.*abcdefghij$/s);
    expect(end.tokensAfter).toBeLessThanOrEqual(10);
  });

  it("never splits a surrogate pair", () => {
    const text = "😀".repeat(50);
    const cut = truncateText(text, 5, { countTokens: (t) => t.length });
    expect(cut.value.replace("\n[…truncated]", "")).toMatch(/^(😀)*$/u);
  });

  it("fits any text to any budget the marker leaves room for", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 5, max: 80 }), (text, budget) => {
        const cut = truncateText(text, budget);
        expect(cut.tokensAfter).toBeLessThanOrEqual(budget);
        if (!cut.truncated) expect(cut.value).toBe(text);
      }),
    );
  });
});

describe("truncateMessages", () => {
  const convo: Message[] = [
    { role: "system", content: "be kind" },
    { role: "user", content: "a".repeat(40) },
    {
      role: "assistant",
      content: [{ type: "tool-call", id: "1", name: "search", arguments: { q: "x".repeat(40) } }],
    },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "1", name: "search", result: "y".repeat(40) }],
    },
    { role: "assistant", content: "b".repeat(40) },
    { role: "user", content: "c".repeat(40) },
  ];

  it("keeps system turns and the latest turns that fit", () => {
    const cut = truncateMessages(convo, 45);
    expect(cut.value.map((m) => m.role)).toEqual(["system", "assistant", "user"]);
    expect(cut).toMatchObject({ truncated: true, removed: 3, unit: "messages" });
    expect(cut.tokensAfter).toBeLessThanOrEqual(45);
  });

  it("does not start on a tool result cut off from its call", () => {
    const cut = truncateMessages(convo, 62);
    expect(cut.value[1]?.role).not.toBe("tool");
  });

  it("keeps the last turn even when it alone is over budget", () => {
    const cut = truncateMessages(convo, 3);
    expect(cut.value.map((m) => m.role)).toEqual(["system", "user"]);
    expect(cut.tokensAfter).toBeGreaterThan(3);
  });
});
