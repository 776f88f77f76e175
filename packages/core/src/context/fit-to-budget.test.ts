import { describe, expect, it } from "vitest";
import { ContextLengthExceededError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { Message, ToolResultPart } from "../messages.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { countMessageTokens } from "../tokens/message-tokens.js";
import { dropLeastRelevant } from "./drop-chunks.js";
import { dropMiddle } from "./drop-middle.js";
import { fitContext } from "./fit-context.js";
import { fitToBudget } from "./fit-to-budget.js";
import { summarizeMiddle } from "./summarize-middle.js";
import { dedupeToolResults, shortenToolResults } from "./tool-results.js";

const filler = (n: number, word = "lorem") =>
  Array.from({ length: n }, (_, i) => `${word}${i % 7}`).join(" ");

/** A system prompt, then `turns` question/answer turns; every third answer uses a tool. */
function conversation(turns: number): ModelRequest {
  const messages: Message[] = [{ role: "system", content: "You are a support agent." }];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: "user", content: `question ${t}: ${filler(40)}` });
    if (t % 3 === 1) {
      messages.push({
        role: "assistant",
        content: [{ type: "tool-call", id: `c${t}`, name: "search", arguments: { q: t } }],
      });
      messages.push({
        role: "tool",
        content: [{ type: "tool-result", toolCallId: `c${t}`, name: "search", result: filler(60) }],
      });
    }
    messages.push({ role: "assistant", content: `answer ${t}: ${filler(40)}` });
  }
  return { messages };
}

/** Every tool call still has its result, and every result its call. */
function paired(messages: Message[]): boolean {
  const calls = new Set<string>();
  const results = new Set<string>();
  for (const m of messages)
    if (typeof m.content !== "string")
      for (const p of m.content) {
        if (p.type === "tool-call") calls.add(p.id);
        if (p.type === "tool-result") results.add(p.toolCallId);
      }
  return calls.size === results.size && [...calls].every((id) => results.has(id));
}

function hub() {
  const h = new EventHub();
  const seen: KeelEvent[] = [];
  h.on((e) => seen.push(e));
  return { h, seen };
}

describe("fitToBudget", () => {
  it("drops middle turns whole, keeping system, pinned and recent turns, never splitting tool pairs", async () => {
    const request = conversation(12);
    const pinnedText = (request.messages[3] as { content: string }).content;
    const { h, seen } = hub();
    const { request: fitted, report } = await fitToBudget(request, {
      maxInputTokens: 900,
      strategies: [dropMiddle({ keepRecent: 2 })],
      pinned: (m) => m.content === pinnedText,
      events: h,
    });
    expect(report.fits).toBe(true);
    expect(report.tokensBefore).toBeGreaterThan(900);
    expect(report.tokensAfter).toBe(await countMessageTokens(fitted, "gpt-4o"));
    expect(fitted.messages[0]!.role).toBe("system");
    expect(fitted.messages.some((m) => m.content === pinnedText)).toBe(true);
    expect(fitted.messages.at(-1)).toBe(request.messages.at(-1));
    expect(paired(fitted.messages)).toBe(true);
    expect(request.messages).toHaveLength(12 * 2 + 1 + 4 * 2);
    const cut = seen.find((e) => e.type === "context.truncated")!;
    expect(cut).toMatchObject({
      strategy: "drop-middle",
      tokensSaved: report.tokensBefore - report.tokensAfter,
    });
  });

  it("leaves a request that fits alone and says when nothing could make it fit", async () => {
    const request = conversation(2);
    const { request: same, report } = await fitToBudget(request, {
      maxInputTokens: 10_000,
      strategies: [dropMiddle()],
    });
    expect(same).toBe(request);
    expect(report.cuts).toEqual([]);
    const tight = await fitToBudget(request, {
      maxInputTokens: 50,
      strategies: [dropMiddle({ keepRecent: 2 })],
    });
    expect(tight.report.fits).toBe(false);
  });

  it("summarizes the middle with a model", async () => {
    const summarizer = scriptedModel(["The user asked about orders 0-9; all were shipped."]);
    const { request: fitted, report } = await fitToBudget(conversation(10), {
      maxInputTokens: 700,
      strategies: [summarizeMiddle({ model: summarizer, keepRecent: 2 })],
    });
    expect(report.fits).toBe(true);
    expect(summarizer.requests[0]!.messages[1]!.content).toContain("question 0");
    const summary = fitted.messages[1]!;
    expect(summary.role).toBe("user");
    expect(summary.content).toMatch(/^\[Summary of \d+ earlier messages\]\nThe user asked/);
    expect(paired(fitted.messages)).toBe(true);
  });

  it("dedupes repeated tool outputs and shortens long ones to head and tail", async () => {
    const big = filler(3000, "row");
    const request: ModelRequest = {
      messages: [
        { role: "user", content: "check twice" },
        ...[1, 2].flatMap((n): Message[] => [
          { role: "assistant", content: [{ type: "tool-call", id: `c${n}`, name: "status", arguments: {} }] },
          {
            role: "tool",
            content: [{ type: "tool-result", toolCallId: `c${n}`, name: "status", result: { rows: big } }],
          },
        ]),
        { role: "assistant", content: [{ type: "tool-call", id: "c3", name: "log", arguments: {} }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "c3", name: "log", result: big }] },
      ],
    };
    const { request: fitted, report } = await fitToBudget(request, {
      maxInputTokens: 2000,
      strategies: [dedupeToolResults(), shortenToolResults({ maxTokens: 400 })],
    });
    expect(report.cuts.map((c) => c.strategy)).toEqual(["dedupe-tool-results", "shorten-tool-results"]);
    const results = fitted.messages.flatMap((m) => (m.role === "tool" ? m.content : [])) as ToolResultPart[];
    expect(results[0]!.result).toMatch(/same output as a later status call/);
    expect(String(results[1]!.result)).toMatch(/…\[\d+ tokens omitted\]…/);
    expect(String(results[1]!.result).startsWith('{"rows":"row0 row1')).toBe(true);
    expect(report.fits).toBe(true);
    expect(paired(fitted.messages)).toBe(true);
  });

  it("drops the least relevant retrieved chunks first", async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => ({
      id: `d${i}`,
      score: i / 10,
      text: filler(80, `c${i}x`),
    }));
    const request: ModelRequest = {
      messages: [
        { role: "user", content: "what do the docs say?" },
        { role: "assistant", content: [{ type: "tool-call", id: "r", name: "retrieve", arguments: {} }] },
        {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: "r", name: "retrieve", result: chunks }],
        },
      ],
    };
    const { request: fitted, report } = await fitToBudget(request, {
      maxInputTokens: 900,
      strategies: [dropLeastRelevant({ minKeep: 2 })],
    });
    const kept = (
      (fitted.messages[2] as { content: ToolResultPart[] }).content[0]!.result as typeof chunks
    ).map((c) => c.id);
    expect(report.fits).toBe(true);
    expect(kept.length).toBeLessThan(10);
    expect(kept).toEqual(chunks.slice(10 - kept.length).map((c) => c.id));
    expect(report.cuts[0]!.dropped).toMatch(/retrieved chunks/);
  });
});

describe("fitContext middleware", () => {
  it("fits before calling and fails early with ContextLengthExceededError when it cannot", async () => {
    const base = scriptedModel(["ok"], { id: "gpt-4o" });
    const model = pipe(
      base,
      fitContext({ maxInputTokens: 800, strategies: [dropMiddle({ keepRecent: 1 })] }),
    );
    await model.generate(conversation(12));
    expect(await countMessageTokens(base.requests[0]!, "gpt-4o")).toBeLessThanOrEqual(800);
    const strict = pipe(base, fitContext({ maxInputTokens: 20, strategies: [] }));
    await expect(strict.stream(conversation(1)).response).rejects.toBeInstanceOf(ContextLengthExceededError);
    expect(base.requests).toHaveLength(1);
  });
});
