import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, InvalidRequestError, TimeoutError } from "../errors.js";
import type { CallOptions, Model, StreamEvent } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { drain, recordEvents, settle } from "./__fixtures__/harness.js";
import { timeout } from "./timeout.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };

function recorder() {
  const { hub, of } = recordEvents();
  return { hub, fired: () => of("timeout.fired") };
}

const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

/** A scripted model that also records the call options each call received. */
function spiedModel(script: ScriptStep[]) {
  const inner = scriptedModel(script);
  const calls: CallOptions[] = [];
  const model = wrapModel(inner, {
    generate: (r, o) => {
      calls.push(o ?? {});
      return inner.generate(r, o);
    },
    stream: (r, o) => {
      calls.push(o ?? {});
      return inner.stream(r, o);
    },
  });
  return { model, calls, inner };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("timeout: generate", () => {
  it("passes a call that finishes in time and clears its timer", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([{ text: "ok", delayMs: 90 }]);
    const result = settle(pipe(model, timeout({ ms: 100, events: hub })).generate(req));
    await vi.advanceTimersByTimeAsync(90);
    const r = await result;
    expect(r.ok && r.value.text).toBe("ok");
    expect(fired()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails a slow call with TimeoutError at `ms`, aborts it, and reports it", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([{ text: "late", delayMs: 10_000 }]);
    const result = settle(
      pipe(model, timeout({ ms: 100, events: hub })).generate(req, { context: { runId: "r" } }),
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(fired()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const r = await result;
    expect(!r.ok && r.error).toBeInstanceOf(TimeoutError);
    expect(!r.ok && r.error.message).toMatch(/did not finish within 100 ms/);
    expect(fired()).toMatchObject([
      { model: "scripted", afterMs: 100, limit: "total", context: { runId: "r" } },
    ]);
    // The model's own 10 s wait was cancelled by the abort.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes the earlier deadline down and reports which limit fired", async () => {
    const { hub, fired } = recorder();
    const { model, calls } = spiedModel([{ text: "late", delayMs: 10_000 }]);
    const start = Date.now();
    const result = settle(
      pipe(model, timeout({ ms: 5000, events: hub })).generate(req, { deadline: start + 300 }),
    );
    expect(calls[0]?.deadline).toBe(start + 300);
    await vi.advanceTimersByTimeAsync(300);
    const r = await result;
    expect(!r.ok && r.error.message).toMatch(/deadline passed/);
    expect(fired()).toMatchObject([{ afterMs: 300, limit: "deadline" }]);
  });

  it("sets the call's deadline from `ms` when that is earlier", async () => {
    const { model, calls } = spiedModel(["ok"]);
    const start = Date.now();
    await pipe(model, timeout({ ms: 200 })).generate(req, { deadline: start + 60_000 });
    expect(calls[0]?.deadline).toBe(start + 200);
  });

  it("keeps its limit even when the wrapped model ignores its signal", async () => {
    const stuck: Model = wrapModel(scriptedModel(["x"]), { generate: () => new Promise(() => {}) });
    const result = settle(pipe(stuck, timeout({ ms: 50 })).generate(req));
    await vi.advanceTimersByTimeAsync(50);
    const r = await result;
    expect(!r.ok && r.error).toBeInstanceOf(TimeoutError);
  });

  it("ends at once on a caller abort even when the wrapped model ignores its signal", async () => {
    const stuck: Model = wrapModel(scriptedModel(["x"]), { generate: () => new Promise(() => {}) });
    const controller = new AbortController();
    const result = settle(pipe(stuck, timeout({ ms: 1000 })).generate(req, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const r = await result;
    expect(!r.ok && r.error).toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("holds a deadline further away than one timer can wait (about 24.8 days)", async () => {
    const { hub, fired } = recorder();
    const stuck: Model = wrapModel(scriptedModel(["x"]), { generate: () => new Promise(() => {}) });
    const days30 = 30 * 24 * 3600 * 1000;
    const result = settle(
      pipe(stuck, timeout({ idleMs: 100, events: hub })).generate(req, {
        deadline: Date.now() + days30,
      }),
    );
    await vi.advanceTimersByTimeAsync(days30 - 1);
    expect(fired()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(!(await result).ok).toBe(true);
    expect(fired()).toMatchObject([{ afterMs: days30, limit: "deadline" }]);
  });

  it("a caller abort wins over the timeout and is not reported as one", async () => {
    const { hub, fired } = recorder();
    const controller = new AbortController();
    const model = scriptedModel([{ text: "late", delayMs: 10_000 }]);
    const result = settle(
      pipe(model, timeout({ ms: 1000, events: hub })).generate(req, { signal: controller.signal }),
    );
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const r = await result;
    expect(!r.ok && r.error).toBeInstanceOf(AbortedError);
    expect(fired()).toEqual([]);
    await vi.advanceTimersByTimeAsync(0); // let the aborted model finish its cleanup
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects a configuration without any limit", () => {
    expect(() => timeout({})).toThrow(InvalidRequestError);
    expect(() => timeout({ ms: -5 })).toThrow(/`ms` must be a number >= 0/);
  });
});

describe("timeout: stream", () => {
  it("passes a healthy stream through unchanged", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([{ text: "hello world", chunkSize: 3 }]);
    const stream = pipe(model, timeout({ ms: 1000, firstTokenMs: 100, idleMs: 100, events: hub })).stream(
      req,
    );
    const { seen, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("hello world");
    const response = await stream.response;
    expect(response.text).toBe("hello world");
    expect(response.requestId).toBe("req_1");
    expect(fired()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails when no content arrives within firstTokenMs, even if other events do", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([
      {
        events: [
          { type: "response-metadata", requestId: "r1" },
          { type: "pause", ms: 500 },
          { type: "text-delta", text: "late" },
        ],
      },
    ]);
    const stream = pipe(model, timeout({ firstTokenMs: 200, events: hub })).stream(req);
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(199);
    expect(fired()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { seen, error } = await done;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.message).toMatch(/no content within 200 ms/);
    expect(seen.map((e) => e.type)).toEqual(["response-metadata", "error"]);
    expect(fired()).toMatchObject([{ afterMs: 200, limit: "first-token" }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("detects a stalled stream: idleMs without any event, measured from the last one", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 250 },
          { type: "text-delta", text: "b" },
          { type: "pause", ms: 250 },
          { type: "text-delta", text: "c" },
          { type: "pause", ms: 10_000 },
          { type: "text-delta", text: "d" },
        ],
      },
    ]);
    const stream = pipe(model, timeout({ idleMs: 300, events: hub })).stream(req);
    const done = drain(stream);
    // 250 ms gaps stay under the 300 ms limit: the timer restarts on each event.
    await vi.advanceTimersByTimeAsync(500 + 299);
    expect(fired()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { seen, error } = await done;
    expect(error?.message).toMatch(/stalled: no event for 300 ms/);
    expect(textOf(seen)).toBe("abc");
    expect(fired()).toMatchObject([{ afterMs: 300, limit: "idle" }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("applies the total limit to a stream that keeps trickling", async () => {
    const { hub, fired } = recorder();
    const events: Array<StreamEvent | { type: "pause"; ms: number }> = [];
    for (let i = 0; i < 20; i++) events.push({ type: "text-delta", text: "x" }, { type: "pause", ms: 100 });
    const model = scriptedModel([{ events }]);
    const stream = pipe(model, timeout({ ms: 1000, idleMs: 300, events: hub })).stream(req);
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(1000);
    const { seen, error } = await done;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(textOf(seen)).toBe("x".repeat(10));
    expect(fired()).toMatchObject([{ afterMs: 1000, limit: "total" }]);
  });

  it("enforces the caller's deadline on streams and reports it as such", async () => {
    const { hub, fired } = recorder();
    const model = scriptedModel([{ text: "late", delayMs: 10_000 }]);
    const stream = pipe(model, timeout({ idleMs: 5000, events: hub })).stream(req, {
      deadline: Date.now() + 400,
    });
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(400);
    const { error } = await done;
    expect(error?.message).toMatch(/deadline passed/);
    expect(fired()).toMatchObject([{ afterMs: 400, limit: "deadline" }]);
  });

  it("fails on time even when the wrapped stream ignores its signal", async () => {
    const stuck: Model = wrapModel(scriptedModel(["x"]), {
      stream: () => ({
        response: new Promise(() => {}),
        [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
      }),
    });
    const done = drain(pipe(stuck, timeout({ idleMs: 100 })).stream(req));
    await vi.advanceTimersByTimeAsync(100);
    expect((await done).error).toBeInstanceOf(TimeoutError);
  });

  it("a consumer that stops early aborts the request and clears the timers", async () => {
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 10_000 },
        ],
      },
    ]);
    const stream = pipe(model, timeout({ ms: 60_000, idleMs: 20_000 })).stream(req);
    for await (const e of stream) if (e.type === "text-delta") break;
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
