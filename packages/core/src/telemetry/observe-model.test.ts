import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OverloadedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { ModelRequest } from "../model.js";
import { scriptedModel } from "../testing/index.js";
import { captureContent } from "./capture-content.js";
import { observeModel } from "./observe-model.js";

const req: ModelRequest = {
  messages: [{ role: "user", content: "my email is jane@example.com" }],
  temperature: 0.2,
  maxOutputTokens: 64,
  tenant: "acme",
};

function recorder() {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  return { hub, seen, types: () => seen.map((e) => e.type) };
}

function only<T extends KeelEvent["type"]>(seen: KeelEvent[], type: T) {
  const found = seen.filter((e) => e.type === type);
  expect(found).toHaveLength(1);
  return found[0] as Extract<KeelEvent, { type: T }>;
}

describe("observeModel", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("goes straight through when nobody listens", async () => {
    const hub = new EventHub();
    const inner = scriptedModel(["hi"]);
    const innerStream = inner.stream(req);
    const spy = vi.spyOn(inner, "stream").mockReturnValue(innerStream);
    const model = observeModel(inner, { events: hub });
    expect(model.stream(req)).toBe(innerStream);
    expect(spy).toHaveBeenCalledOnce();
    expect((await model.generate(req)).text).toBe("hi");
  });

  it("reports a generate call with its parameters, usage and tenant", async () => {
    const { hub, seen, types } = recorder();
    const model = observeModel(scriptedModel(["hello"], { id: "m1", provider: "p" }), { events: hub });
    await model.generate(req, { context: { runId: "r1" } });
    expect(types()).toEqual(["model.call.started", "model.call.finished"]);
    const started = only(seen, "model.call.started");
    const finished = only(seen, "model.call.finished");
    expect(started).toMatchObject({
      provider: "p",
      model: "m1",
      stream: false,
      params: { temperature: 0.2, maxOutputTokens: 64 },
      context: { runId: "r1", tenant: "acme" },
    });
    expect(started.input).toBeUndefined();
    expect(finished.callId).toBe(started.callId);
    expect(finished).toMatchObject({
      servedModel: "m1",
      requestId: "req_1",
      finishReason: "stop",
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    expect(finished.output).toBeUndefined();
  });

  it("times the first token and the whole stream", async () => {
    const { hub, seen } = recorder();
    const inner = scriptedModel([
      {
        events: [
          { type: "pause", ms: 120 },
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 80 },
          { type: "text-delta", text: "b" },
          { type: "finish", finishReason: "stop" },
        ],
      },
    ]);
    const model = observeModel(inner, { events: hub });
    const texts: string[] = [];
    const done = (async () => {
      for await (const e of model.stream(req)) if (e.type === "text-delta") texts.push(e.text);
    })();
    await vi.advanceTimersByTimeAsync(500);
    await done;
    expect(texts).toEqual(["a", "b"]);
    const finished = only(seen, "model.call.finished");
    expect(finished.timeToFirstTokenMs).toBe(120);
    expect(finished.durationMs).toBe(200);
    expect(only(seen, "model.call.started").stream).toBe(true);
  });

  it("reports a failed stream once, with the time to its first token", async () => {
    const { hub, seen } = recorder();
    const error = new OverloadedError("busy");
    const inner = scriptedModel([
      {
        events: [
          { type: "pause", ms: 30 },
          { type: "text-delta", text: "a" },
          { type: "fail", error },
        ],
      },
    ]);
    const stream = observeModel(inner, { events: hub }).stream(req);
    const outcome = (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBe(error);
    await expect(stream.response).rejects.toBe(error);
    const failed = only(seen, "model.call.failed");
    expect(failed).toMatchObject({ error, timeToFirstTokenMs: 30, durationMs: 30 });
    expect(seen.filter((e) => e.type === "model.call.finished")).toHaveLength(0);
  });

  it("reports a stream the caller stopped reading as aborted", async () => {
    const { hub, seen } = recorder();
    const model = observeModel(scriptedModel([{ text: "abcdef", chunkSize: 1 }]), { events: hub });
    for await (const e of model.stream(req)) if (e.type === "text-delta") break;
    expect(only(seen, "model.call.failed").error.code).toBe("aborted");
  });

  it("reports a stream consumed only through `response`", async () => {
    const { hub, seen } = recorder();
    const model = observeModel(scriptedModel(["ok"]), { events: hub });
    const stream = model.stream(req);
    expect(seen).toHaveLength(0); // nothing is sent before the stream is consumed
    expect((await stream.response).text).toBe("ok");
    expect(only(seen, "model.call.finished").timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a failed generate call", async () => {
    const { hub, seen } = recorder();
    const model = observeModel(scriptedModel([new OverloadedError("busy")]), { events: hub });
    await expect(model.generate(req)).rejects.toThrow("busy");
    expect(only(seen, "model.call.failed").error.code).toBe("overloaded");
  });

  it("attaches redacted prompt and answer once content capture is on", async () => {
    const { hub, seen } = recorder();
    const stop = captureContent({ events: hub });
    const model = observeModel(scriptedModel(["call 415-555-0123"]), { events: hub });
    await model.generate(req);
    stop();
    await model.generate(req);
    const [first, second] = seen.filter((e) => e.type === "model.call.started");
    expect(first?.input).toEqual([{ role: "user", content: "my email is [redacted:email]" }]);
    expect(second?.input).toBeUndefined();
    const finished = seen.find((e) => e.type === "model.call.finished");
    expect(finished?.output).toEqual([{ type: "text", text: "call [redacted:phone]" }]);
  });
});
