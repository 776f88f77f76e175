import { EventHub, InvalidRequestError, type KeelEvent, type Message } from "@keel/core";
import { scriptedModel } from "@keel/core/testing";
import { describe, expect, it } from "vitest";
import { WorkingMemory } from "./working-memory.js";

const turns = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
    content: `Turn ${i}: ${"we discussed the quarterly shipping numbers in detail ".repeat(6)}`,
  }));

describe("WorkingMemory", () => {
  it("summarizes older turns through core's summarizeMiddle when over budget, keeping pinned facts and notes whole", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const summarizer = scriptedModel(["They reviewed shipping numbers for Q1 to Q3."]);
    const wm = new WorkingMemory({
      maxTokens: 400,
      summarizer,
      keepRecent: 2,
      system: "You are terse.",
      events: hub,
    });
    wm.pin("The customer is ACME, account 42.");
    wm.note("step", { name: "draft-reply", attempt: 1 });
    wm.append(...turns(12));

    const { messages, report } = await wm.context();
    expect(report.fits).toBe(true);
    expect(report.tokensAfter).toBeLessThanOrEqual(400);
    expect(report.cuts.map((c) => c.strategy)).toEqual(["summarize-middle"]);
    expect(messages[0]).toEqual({ role: "system", content: "You are terse." });
    expect(messages[1]!.content).toContain("ACME, account 42");
    expect(messages[2]!.content).toContain('"draft-reply"');
    expect(JSON.stringify(messages)).toContain("They reviewed shipping numbers");
    expect(messages.at(-1)).toEqual(turns(12).at(-1));
    expect(seen.filter((e) => e.type === "context.truncated")).toHaveLength(1);

    // The summary replaced those turns in the buffer: a second fit has nothing to cut.
    expect(wm.messages().length).toBeLessThan(12);
    const again = await wm.context();
    expect(again.report.cuts).toEqual([]);
    expect(summarizer.requests).toHaveLength(1);
  });

  it("drops older turns without a summarizer and says when even the kept parts do not fit", async () => {
    const wm = new WorkingMemory({ maxTokens: 300, keepRecent: 2 });
    wm.append(...turns(10));
    const { report } = await wm.context();
    expect(report.cuts.map((c) => c.strategy)).toEqual(["drop-middle"]);
    expect(report.fits).toBe(true);

    const tiny = new WorkingMemory({ maxTokens: 20 });
    tiny.pin("x ".repeat(100));
    const over = await tiny.context();
    expect(over.report.fits).toBe(false);
    expect(over.messages[0]!.content).toContain("x x x");
  });

  it("round-trips through JSON and rejects bad input", () => {
    const wm = new WorkingMemory({ maxTokens: 1000 });
    wm.append({ role: "user", content: "hi" });
    const pin = wm.pin("fact");
    wm.note("plan", ["a", "b"]);
    const copy = WorkingMemory.fromJSON(JSON.parse(JSON.stringify(wm)), { maxTokens: 1000 });
    expect(copy.messages()).toEqual([{ role: "user", content: "hi" }]);
    expect([...copy.pinned()]).toEqual([[pin, "fact"]]);
    expect(copy.read("plan")).toEqual(["a", "b"]);
    expect(copy.pin("second")).not.toBe(pin);
    expect(() => new WorkingMemory({ maxTokens: 0 })).toThrow(InvalidRequestError);
    expect(() => wm.pin("  ")).toThrow(InvalidRequestError);
    expect(() => wm.append({ role: "robot" } as unknown as Message)).toThrow(InvalidRequestError);
    expect(() => WorkingMemory.fromJSON({} as never, { maxTokens: 10 })).toThrow(InvalidRequestError);
  });
});
