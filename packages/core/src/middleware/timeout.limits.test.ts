import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, OverloadedError, TimeoutError } from "../errors.js";
import type { CallOptions, StreamEvent } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { drain, recordEvents } from "./__fixtures__/harness.js";
import { timeout } from "./timeout.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };
const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("timeout: the first-token limit ends with the first content", () => {
  it("lets a stream that started in time run well past firstTokenMs", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 50 },
          { type: "text-delta", text: "early " },
          { type: "pause", ms: 400 },
          { type: "text-delta", text: "and long" },
        ],
      },
    ]);
    const stream = pipe(model, timeout({ firstTokenMs: 100, events: hub })).stream(req);
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(450);
    const { seen, error } = await done;
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("early and long");
    expect(of("timeout.fired")).toEqual([]);
  });
});

describe("timeout: a shorter stream limit still fires when `ms` is set", () => {
  it("fires the first-token limit before a longer total limit", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([{ text: "late", delayMs: 5000 }]);
    const done = drain(pipe(model, timeout({ ms: 1000, firstTokenMs: 100, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(99);
    expect(of("timeout.fired")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { error } = await done;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.message).toMatch(/no content within 100 ms/);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 100, limit: "first-token" }]);
  });

  it("fires the idle limit before a longer total limit, counted from the last event", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 150 },
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 5000 },
          { type: "text-delta", text: "b" },
        ],
      },
    ]);
    const done = drain(pipe(model, timeout({ ms: 1000, idleMs: 200, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(349);
    expect(of("timeout.fired")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { seen, error } = await done;
    expect(error?.message).toMatch(/stalled: no event for 200 ms/);
    expect(textOf(seen)).toBe("a");
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 200, limit: "idle" }]);
  });

  it("fires the total limit when it comes before the stream limits", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([{ text: "late", delayMs: 5000 }]);
    const done = drain(
      pipe(model, timeout({ ms: 100, firstTokenMs: 300, idleMs: 300, events: hub })).stream(req),
    );
    await vi.advanceTimersByTimeAsync(100);
    const { error } = await done;
    expect(error?.message).toMatch(/did not finish within 100 ms/);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 100, limit: "total" }]);
  });
});

describe("timeout: an idle limit alone sets no first-token limit", () => {
  it("waits up to idleMs for the first event, then reports the stream as stalled", async () => {
    const { hub, of } = recordEvents();
    const slowStart = scriptedModel([
      {
        events: [
          { type: "pause", ms: 250 },
          { type: "text-delta", text: "slow start" },
        ],
      },
    ]);
    const started = drain(pipe(slowStart, timeout({ idleMs: 300, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(250);
    const { seen, error } = await started;
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("slow start");

    const silent = scriptedModel([{ text: "never", delayMs: 5000 }]);
    const stalled = drain(pipe(silent, timeout({ idleMs: 300, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(299);
    expect(of("timeout.fired")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await stalled).error?.message).toMatch(/stalled: no event for 300 ms/);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 300, limit: "idle" }]);
  });
});

describe("timeout: which limit is reported", () => {
  it("reports its own limit when the model further in hits the deadline it was given first", async () => {
    const { hub, of } = recordEvents();
    const innerError = new TimeoutError("the inner model's own deadline timer");
    // Fails at the deadline it was handed, from a timer set before the middleware's own.
    const selfTimed = wrapModel(scriptedModel(["x"]), {
      stream: (_request, options) => {
        const failed = new Promise<never>((_, reject) =>
          setTimeout(() => reject(innerError), (options?.deadline ?? 0) - Date.now()),
        );
        failed.catch(() => undefined);
        return { response: failed, [Symbol.asyncIterator]: () => ({ next: () => failed }) };
      },
    });
    const done = drain(pipe(selfTimed, timeout({ ms: 100, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(100);
    const { error } = await done;
    expect(error?.message).toMatch(/did not finish within 100 ms/);
    expect(error?.cause).toBe(innerError);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 100, limit: "total" }]);
  });

  it("passes on a model's own timeout that came before any limit of its", async () => {
    const { hub, of } = recordEvents();
    const early = new TimeoutError("upstream gave up");
    const model = scriptedModel([{ events: [{ type: "fail", error: early }] }]);
    const { error } = await drain(pipe(model, timeout({ ms: 1000, events: hub })).stream(req));
    expect(error).toBe(early);
    expect(of("timeout.fired")).toEqual([]);
  });
});

describe("timeout: the request behind a stream", () => {
  function spied(script: ScriptStep[]) {
    const inner = scriptedModel(script);
    const calls: CallOptions[] = [];
    const model = wrapModel(inner, {
      stream: (r, o) => {
        calls.push(o ?? {});
        return inner.stream(r, o);
      },
    });
    return { model, calls };
  }

  it("is aborted with AbortedError when the consumer stops early or the stream fails, and left alone when it ends", async () => {
    const stopped = spied([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 10_000 },
        ],
      },
    ]);
    const stream = pipe(stopped.model, timeout({ ms: 60_000 })).stream(req);
    for await (const e of stream) if (e.type === "text-delta") break;
    const signal = stopped.calls[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(AbortedError);

    const failing = spied([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
    ]);
    expect((await drain(pipe(failing.model, timeout({ ms: 60_000 })).stream(req))).error).toBeInstanceOf(
      OverloadedError,
    );
    expect(failing.calls[0]?.signal?.reason).toBeInstanceOf(AbortedError);

    const finished = spied(["complete"]);
    const { error } = await drain(pipe(finished.model, timeout({ ms: 60_000 })).stream(req));
    expect(error).toBeUndefined();
    expect(finished.calls[0]?.signal?.aborted).toBe(false);
  });
});

describe("timeout: closing a stream", () => {
  it("closes a stream that was never read without calling the model", async () => {
    const model = scriptedModel(["unused"]);
    const stream = pipe(model, timeout({ ms: 1000 })).stream(req);
    await expect(stream[Symbol.asyncIterator]().return?.()).resolves.toMatchObject({ done: true });
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(model.requests).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not keep the consumer waiting on a model that never finishes closing", async () => {
    const stuck = wrapModel(scriptedModel(["x"]), {
      stream: () => ({
        response: new Promise(() => {}),
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false as const, value: { type: "text-delta" as const, text: "a" } }),
          return: () => new Promise<IteratorResult<StreamEvent>>(() => {}),
        }),
      }),
    });
    const stream = pipe(stuck, timeout({ idleMs: 1000 })).stream(req);
    let closed = false;
    const reading = (async () => {
      for await (const e of stream) if (e.type === "text-delta") break;
      closed = true;
    })();
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(true);
    await reading;
  });
});

describe("timeout options", () => {
  it("names the option a bad value was given for, and asks for at least one limit", () => {
    for (const name of ["ms", "firstTokenMs", "idleMs"] as const) {
      expect(() => timeout({ [name]: -1 }), name).toThrow(
        `timeout: option \`${name}\` must be a number >= 0`,
      );
    }
    expect(() => timeout({})).toThrow("timeout: give at least one of `ms`, `firstTokenMs`, `idleMs`");
  });
});
