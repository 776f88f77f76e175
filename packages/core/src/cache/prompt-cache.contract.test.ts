import { describe, expect, it } from "vitest";
import { EventHub } from "../events.js";
import type { Message, TextPart } from "../messages.js";
import type { ModelRequest, ToolDefinition } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { countMessageTokens, messageTokenCounter } from "../tokens/message-tokens.js";
import { cache } from "./exact-cache.js";
import { placeCacheBreakpoints, promptCache } from "./prompt-cache.js";

const MODEL = "claude-sonnet-4-5";
const long = (n: number) => Array.from({ length: n }, (_, i) => `clause${i % 13} of the policy`).join(", ");
const marks = (m: Message) =>
  typeof m.content === "string" ? [] : m.content.map((p) => (p as TextPart).cache === true);
const marked = (m: Message) => marks(m).includes(true);
const bigTool: ToolDefinition = {
  name: "lookup_policy",
  description: `Looks up a clause. ${long(400)}`,
  inputSchema: { type: "object", properties: { clause: { type: "string" } } },
};

describe("placeCacheBreakpoints: what users rely on", () => {
  it("returns an empty request as it is, with no breakpoints", async () => {
    const request: ModelRequest = { messages: [] };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.request).toBe(request);
    expect(out.breakpoints).toEqual([]);
  });

  it("adds none when the caller's own breakpoints use up maxBreakpoints", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: `Policy: ${long(500)}` },
        { role: "user", content: [{ type: "text", text: "earlier", cache: true }] },
        { role: "user", content: "now" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL, { maxBreakpoints: 1 });
    expect(out.breakpoints).toEqual([]);
    expect(out.request).toBe(request);
  });

  it("counts only marked text parts as the caller's breakpoints", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: `Policy: ${long(500)}` },
        {
          role: "user",
          content: [
            { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
            { type: "text", text: "what is this?" },
          ],
        },
        { role: "assistant", content: "A chart." },
        { role: "user", content: "thanks" },
      ],
    };
    // No part is marked, so both free breakpoints are placed.
    const out = await placeCacheBreakpoints(request, MODEL, { maxBreakpoints: 2 });
    expect(out.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [0, "system"],
      [2, "history"],
    ]);
    // A marked text part next to other parts counts as one of the caller's own.
    const own = structuredClone(request);
    own.messages[1] = {
      role: "user",
      content: [
        { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
        { type: "text", text: "what is this?", cache: true },
      ],
    };
    const mine = await placeCacheBreakpoints(own, MODEL, { maxBreakpoints: 2 });
    expect(mine.breakpoints.map((b) => b.messageIndex)).toEqual([0]);
  });

  it("never re-marks a message the caller marked, nor spends a breakpoint on it", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: [{ type: "text", text: `Policy: ${long(500)}`, cache: true }] },
        { role: "user", content: "hi" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.breakpoints).toEqual([]);
  });

  it("places one breakpoint where the system prompt is also the whole earlier conversation", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: `Policy: ${long(500)}` },
        { role: "user", content: "hi" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([[0, "system"]]);
  });

  it("marks the last text part of a message with several parts and keeps the others", async () => {
    const image = { type: "image" as const, mediaType: "image/png", url: "https://example.com/a.png" };
    const request: ModelRequest = {
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: `Policy: ${long(300)}` },
            { type: "text", text: `Appendix: ${long(300)}` },
          ],
        },
        { role: "user", content: [{ type: "text", text: "see" }, image] },
        { role: "user", content: [image] },
        { role: "user", content: "now" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.request.messages[0]?.content).toEqual([
      { type: "text", text: `Policy: ${long(300)}` },
      { type: "text", text: `Appendix: ${long(300)}`, cache: true },
    ]);
    // An image counts as a long turn: its text part is marked, the image kept; the image-only
    // message that ends the earlier conversation has no text to mark.
    expect(out.request.messages.slice(1).map(marks)).toEqual([[true, false], [false], []]);
    expect(out.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [0, "system"],
      [1, "long-turn"],
    ]);
  });

  it("marks a tools-only request's first message, counting the tool definitions", async () => {
    const request: ModelRequest = {
      tools: [bigTool],
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: "which clause?" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [0, "tools"],
      [1, "history"],
    ]);
    for (const b of out.breakpoints)
      expect(b.prefixTokens).toBe(
        await countMessageTokens(
          { tools: [bigTool], messages: request.messages.slice(0, b.messageIndex + 1) },
          MODEL,
        ),
      );
    expect(await placeCacheBreakpoints({ ...request, tools: [] }, MODEL)).toEqual({
      request: { ...request, tools: [] },
      breakpoints: [],
    });
  });

  it("calls a long first turn a long turn, not a tool prefix, when there are no tools", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "user", content: `Contract: ${long(600)}` },
        { role: "assistant", content: "Read it." },
        { role: "user", content: "Clause 3?" },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [0, "long-turn"],
      [1, "history"],
    ]);
  });

  it("places a breakpoint on a prefix of exactly minTokens, and on a turn of exactly minTokens", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: `Contract: ${long(200)}` },
        { role: "assistant", content: "Read it." },
        { role: "user", content: "Clause 3?" },
      ],
    };
    const counter = await messageTokenCounter(MODEL);
    const turn = counter.message(request.messages[1]!);
    const atTurn = await placeCacheBreakpoints(request, MODEL, { minTokens: turn });
    expect(atTurn.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [1, "long-turn"],
      [2, "history"],
    ]);
    const history = atTurn.breakpoints[1]!.prefixTokens;
    const atHistory = await placeCacheBreakpoints(request, MODEL, { minTokens: history });
    expect(atHistory.breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([[2, "history"]]);
  });

  it("never marks the newest turn, however long", async () => {
    const request: ModelRequest = {
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: `Please read: ${long(600)}` },
      ],
    };
    const out = await placeCacheBreakpoints(request, MODEL);
    expect(out.breakpoints).toEqual([]);
    expect(out.request.messages.some(marked)).toBe(false);
  });
});

describe("promptCache middleware: what users rely on", () => {
  const chat = (): ModelRequest => ({
    messages: [
      { role: "system", content: `You are the support bot. Policy: ${long(500)}` },
      { role: "user", content: "Does clause 3 allow refunds?" },
    ],
  });

  it("marks generate calls to Anthropic models", async () => {
    const claude = scriptedModel(["ok"], { provider: "anthropic", id: MODEL });
    expect((await pipe(claude, promptCache()).generate(chat())).text).toBe("ok");
    expect(claude.requests[0]?.messages.map(marked)).toEqual([true, false]);
  });

  it("marks whatever models `when` picks", async () => {
    const gpt = scriptedModel(["ok"], { provider: "openai", id: "gpt-4o" });
    await pipe(gpt, promptCache({ when: (m) => m.id === "gpt-4o" })).generate(chat());
    expect(gpt.requests[0]?.messages.map(marked)).toEqual([true, false]);
  });

  it("ends a stream with the inner stream's own response", async () => {
    // An exact cache below it marks a replayed answer `cached`, which the replayed events do not carry.
    const claude = scriptedModel(["ok"], { provider: "anthropic", id: MODEL });
    const model = pipe(claude, cache({ events: new EventHub() }), promptCache());
    await model.stream(chat()).response;
    const again = model.stream(chat());
    for await (const _ of again);
    expect(await again.response).toMatchObject({ text: "ok", cached: true });
    expect(claude.requests).toHaveLength(1);
  });
});
