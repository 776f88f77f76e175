import { describe, expect, it } from "vitest";
import { AbortedError, OverloadedError, TimeoutError } from "../errors.js";
import { scriptedModel } from "../testing/index.js";
import { createModelStream } from "./model-stream.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };

describe("createModelStream", () => {
  it("yields typed events and aggregates the response", async () => {
    const model = scriptedModel([{ text: "hello world", chunkSize: 3 }]);
    const s = model.stream(req);
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    const r = await s.response;
    expect(types).toEqual([
      "response-metadata",
      "text-delta",
      "text-delta",
      "text-delta",
      "text-delta",
      "usage",
      "finish",
    ]);
    expect(r.text).toBe("hello world");
    expect(r.content).toEqual([{ type: "text", text: "hello world" }]);
    expect(r.finishReason).toBe("stop");
    expect(r.model).toEqual({ requested: "scripted", served: "scripted" });
    expect(r.timings.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("ends a failed stream with an error event, then throws the same error", async () => {
    const err = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "fail", error: err },
        ],
      },
    ]);
    const s = model.stream(req);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of s) seen.push(e.type);
      })(),
    ).rejects.toBe(err);
    expect(seen).toEqual(["text-delta", "error"]);
    await expect(s.response).rejects.toBe(err);
  });

  it("aborting cancels the producer with an AbortedError", async () => {
    const model = scriptedModel([{ text: "slow", delayMs: 10_000 }]);
    const controller = new AbortController();
    const s = model.stream(req, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(s.response).rejects.toBeInstanceOf(AbortedError);
  });

  it("ends a read in flight on abort even when the producer ignores its signal, then closes it", async () => {
    let closed = false;
    let release!: () => void;
    const s = createModelStream(
      async function* () {
        try {
          yield { type: "text-delta", text: "a" } as const;
          // Deaf to the signal: only `release` moves it on.
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          yield { type: "text-delta", text: "b" } as const;
        } finally {
          closed = true;
        }
      },
      { provider: "p", model: "m", options: { signal: AbortSignal.timeout(20) } },
    );
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of s) seen.push(e.type);
      })(),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(seen).toEqual(["text-delta", "error"]);
    // The producer is closed once it moves again, so its cleanup runs.
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(true);
  });

  it("a passed deadline fails with TimeoutError", async () => {
    const model = scriptedModel([{ text: "slow", delayMs: 10_000 }]);
    await expect(model.generate(req, { deadline: Date.now() + 20 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("breaking out early aborts the request and rejects response", async () => {
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 10_000 },
        ],
      },
    ]);
    const s = model.stream(req);
    for await (const e of s) if (e.type === "text-delta") break;
    await expect(s.response).rejects.toBeInstanceOf(AbortedError);
  });

  it("closes a producer that yields `error` before handing the error out", async () => {
    const err = new OverloadedError("busy");
    let closed = false;
    const s = createModelStream(
      async function* () {
        try {
          yield { type: "text-delta", text: "a" };
          yield { type: "error", error: err };
          yield { type: "text-delta", text: "never" };
        } finally {
          closed = true;
        }
      },
      { provider: "p", model: "m" },
    );
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of s) {
          seen.push(e.type);
          if (e.type === "error") expect(closed).toBe(true);
        }
      })(),
    ).rejects.toBe(err);
    expect(seen).toEqual(["text-delta", "error"]);
    await expect(s.response).rejects.toBe(err);
  });

  it("closing the iterator before reading settles response and never starts the producer", async () => {
    let started = false;
    const s = createModelStream(
      async function* () {
        started = true;
        yield { type: "text-delta", text: "a" };
      },
      { provider: "p", model: "m" },
    );
    const iterator = s[Symbol.asyncIterator]();
    await iterator.return?.();
    await expect(s.response).rejects.toBeInstanceOf(AbortedError);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(started).toBe(false);
  });

  it("can be iterated only once", () => {
    const s = scriptedModel(["x"]).stream(req);
    s[Symbol.asyncIterator]();
    expect(() => s[Symbol.asyncIterator]()).toThrow(TypeError);
  });
});

describe("callSignal", () => {
  it("does not fire early for deadlines past the 24.8-day timer limit", async () => {
    const { callSignal } = await import("../abort.js");
    const { signal, dispose } = callSignal({ deadline: Date.now() + 30 * 24 * 3600 * 1000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(signal.aborted).toBe(false);
    dispose();
  });
});
