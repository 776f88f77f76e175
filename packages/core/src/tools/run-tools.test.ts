import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { ToolCallPart, ToolMessage } from "../messages.js";
import { type ScriptStep, scriptedModel } from "../testing/scripted-model.js";
import { runTools, stopOnToolCall } from "./run-tools.js";
import { tool } from "./tool.js";

type Call = { id: string; name: string; args?: unknown; raw?: string };

/** A scripted answer that asks for the given tool calls. */
function calls(...list: Call[]): ScriptStep {
  return {
    events: [
      ...list.map((c) => ({
        type: "tool-call" as const,
        call: {
          type: "tool-call",
          id: c.id,
          name: c.name,
          arguments: c.args,
          ...(c.raw !== undefined ? { rawArguments: c.raw } : {}),
        } satisfies ToolCallPart,
      })),
      { type: "usage", usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 } },
      { type: "finish", finishReason: "tool-calls" },
    ],
  };
}

const weather = tool({
  name: "weather",
  description: "Current weather in a city",
  input: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: city === "Oslo" ? "snow" : "sun" }),
});

const toolTurn = (messages: { role: string }[], n = 0) =>
  messages.filter((m) => m.role === "tool")[n] as ToolMessage;

afterEach(() => {
  vi.useRealTimers();
});

describe("runTools", () => {
  it("loops until the model answers without tools, sending definitions and results", async () => {
    const model = scriptedModel([
      calls({ id: "c1", name: "weather", args: { city: "Oslo" } }),
      "It snows in Oslo.",
    ]);
    const result = await runTools(model, {
      tools: [weather],
      system: "Be brief.",
      prompt: "Weather in Oslo?",
    });
    expect(result.stopReason).toBe("done");
    expect(result.text).toBe("It snows in Oslo.");
    expect(result.steps).toHaveLength(2);
    // 7+3 from the tool-call step; the text step reports 10 in and ceil(17 chars / 4) = 5 out.
    expect(result.usage).toEqual({ inputTokens: 17, outputTokens: 8, totalTokens: 25 });
    expect(model.requests[0]!.tools).toEqual([
      {
        name: "weather",
        description: "Current weather in a city",
        inputSchema: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        },
      },
    ]);
    const second = model.requests[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(toolTurn(second).content).toEqual([
      { type: "tool-result", toolCallId: "c1", name: "weather", result: { city: "Oslo", sky: "snow" } },
    ]);
    expect(result.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "assistant"]);
  });

  it("returns every kind of tool failure to the model as an error result instead of throwing", async () => {
    const broken = tool({
      name: "broken",
      input: z.object({}),
      execute: () => {
        throw new Error("disk full");
      },
    });
    const model = scriptedModel([
      calls(
        { id: "a", name: "broken", args: {} },
        { id: "b", name: "missing", args: {} },
        { id: "c", name: "weather", args: { town: "Oslo" } },
        { id: "d", name: "weather", raw: "city: Oslo" },
        { id: "e", name: "weather", raw: '{"city": "Rome",' },
      ),
      "done",
    ]);
    const result = await runTools(model, { tools: [weather, broken], prompt: "go" });
    const records = result.steps[0]!.toolCalls;
    expect(records.map((r) => r.outcome)).toEqual([
      "error",
      "unknown-tool",
      "invalid-arguments",
      "invalid-arguments",
      "ok",
    ]);
    const sent = toolTurn(model.requests[1]!.messages).content;
    expect(sent.map((p) => p.isError ?? false)).toEqual([true, true, true, true, false]);
    expect(sent[0]!.result).toBe("Error: disk full");
    expect(sent[1]!.result).toMatch(/no tool named "missing"; available: weather, broken/);
    expect(sent[2]!.result).toMatch(/Invalid arguments for tool "weather"[\s\S]*city/);
    expect(sent[3]!.result).toMatch(/not valid JSON: city: Oslo/);
    expect(sent[4]!.result).toEqual({ city: "Rome", sky: "sun" });
    expect(records[4]!.repairs).toEqual(["closed an object"]);
  });

  it("runs a step's calls in parallel up to the concurrency cap, keeping result order", async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = tool({
      name: "slow",
      input: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5 - n));
        inFlight--;
        return n;
      },
    });
    const model = scriptedModel([
      calls(...[0, 1, 2, 3, 4].map((n) => ({ id: `c${n}`, name: "slow", args: { n } }))),
      "ok",
    ]);
    await runTools(model, { tools: [slow], prompt: "go", concurrency: 3 });
    expect(peak).toBe(3);
    expect(toolTurn(model.requests[1]!.messages).content.map((p) => p.result)).toEqual([0, 1, 2, 3, 4]);
  });

  it("times out a tool, aborts its signal, and tells the model", async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const hang = tool({
      name: "hang",
      input: z.object({}),
      timeoutMs: 100,
      execute: (_, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
    });
    const model = scriptedModel([calls({ id: "h", name: "hang", args: {} }), "gave up"]);
    const pending = runTools(model, { tools: [hang], prompt: "go" });
    await vi.advanceTimersByTimeAsync(100);
    const result = await pending;
    expect(signal?.aborted).toBe(true);
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({
      outcome: "timeout",
      result: { isError: true, result: 'Error: tool "hang" timed out after 100 ms' },
    });
  });

  it("lets the approver allow, deny with a reason, or edit the arguments", async () => {
    const approve = vi.fn(({ input }: { input: unknown }) => {
      const city = (input as { city: string }).city;
      if (city === "Paris") return { action: "deny" as const, reason: "no trips to Paris" };
      if (city === "oslo") return { action: "edit" as const, arguments: { city: "Oslo" } };
      if (city === "Bad") return { action: "edit" as const, arguments: { city: 1 } };
      return true;
    });
    const model = scriptedModel([
      calls(
        { id: "1", name: "weather", args: { city: "Rome" } },
        { id: "2", name: "weather", args: { city: "Paris" } },
        { id: "3", name: "weather", args: { city: "oslo" } },
        { id: "4", name: "weather", args: { city: "Bad" } },
      ),
      "ok",
    ]);
    const result = await runTools(model, { tools: [weather], prompt: "go", approve });
    const records = result.steps[0]!.toolCalls;
    expect(records.map((r) => r.outcome)).toEqual(["ok", "denied", "ok", "invalid-arguments"]);
    expect(records[1]!.result.result).toBe("Error: the call was denied: no trips to Paris");
    expect(records[2]).toMatchObject({
      edited: true,
      input: { city: "Oslo" },
      result: { result: { sky: "snow" } },
    });
    expect(records[3]!.result.result).toMatch(/the approver's edit is invalid/);
    expect(approve).toHaveBeenCalledWith(expect.objectContaining({ needsApproval: false, step: 1 }));
  });

  it("denies calls that need approval when no approver is configured", async () => {
    const pay = tool({
      name: "pay",
      input: z.object({ amount: z.number() }),
      needsApproval: ({ amount }) => amount > 100,
      execute: ({ amount }) => `paid ${amount}`,
    });
    const model = scriptedModel([
      calls({ id: "1", name: "pay", args: { amount: 5 } }, { id: "2", name: "pay", args: { amount: 500 } }),
      "ok",
    ]);
    const result = await runTools(model, { tools: [pay], prompt: "go" });
    expect(result.steps[0]!.toolCalls.map((r) => r.outcome)).toEqual(["ok", "denied"]);
  });

  it("stops at the step limit with stopReason max-steps, results of the last step included", async () => {
    const model = scriptedModel([calls({ id: "x", name: "weather", args: { city: "Oslo" } })]);
    const onStep = vi.fn();
    const result = await runTools(model, { tools: [weather], prompt: "go", maxSteps: 3, onStep });
    expect(result.stopReason).toBe("max-steps");
    expect(result.steps).toHaveLength(3);
    expect(model.requests).toHaveLength(3);
    expect(onStep).toHaveBeenCalledTimes(3);
    expect(result.messages.at(-1)?.role).toBe("tool");
  });

  it("stops when the stop condition holds", async () => {
    const answer = tool({
      name: "answer",
      input: z.object({ text: z.string() }),
      execute: ({ text }) => text,
    });
    const model = scriptedModel([
      calls({ id: "1", name: "weather", args: { city: "Oslo" } }),
      calls({ id: "2", name: "answer", args: { text: "snow" } }),
      "never asked",
    ]);
    const result = await runTools(model, {
      tools: [weather, answer],
      prompt: "go",
      stopWhen: stopOnToolCall("answer"),
    });
    expect(result.stopReason).toBe("stop-condition");
    expect(model.requests).toHaveLength(2);
  });

  it("emits a telemetry event per step and per tool call, with the caller's context", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const model = scriptedModel([calls({ id: "c1", name: "weather", args: { city: "Oslo" } }), "ok"]);
    const context = { runId: "r1", stepId: "s1" };
    await runTools(model, { tools: [weather], prompt: "go", events: hub }, { context });
    expect(seen.map((e) => e.type)).toEqual([
      "tool.called",
      "tool.finished",
      "agent.step",
      "agent.step",
      "agent.finished",
    ]);
    expect(seen.every((e) => e.context === context)).toBe(true);
    expect(seen[1]).toMatchObject({ tool: "weather", outcome: "ok", step: 1 });
    expect(seen[2]).toMatchObject({ step: 1, toolCalls: 1, finishReason: "tool-calls" });
    expect(seen[4]).toMatchObject({ steps: 2, stopReason: "done" });
  });

  it("throws when the run is aborted while a tool runs", async () => {
    const controller = new AbortController();
    const hang = tool({
      name: "hang",
      input: z.object({}),
      execute: () => {
        controller.abort();
        return new Promise(() => {});
      },
    });
    const model = scriptedModel([calls({ id: "h", name: "hang", args: {} })]);
    await expect(
      runTools(model, { tools: [hang], prompt: "go" }, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("rejects bad setups clearly", async () => {
    const model = scriptedModel(["ok"]);
    await expect(runTools(model, { tools: [weather, weather], prompt: "go" })).rejects.toThrow(
      new InvalidRequestError('two tools are named "weather"'),
    );
    await expect(runTools(model, { tools: [], prompt: "go", maxSteps: 0 })).rejects.toThrow(/maxSteps/);
    expect(() => tool({ name: "bad name", input: z.object({}), execute: () => 1 })).toThrow(
      /tool name "bad name"/,
    );
  });
});
