import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  InvalidRequestError,
  type KeelError,
  OverloadedError,
  TimeoutError,
} from "../errors.js";
import type { CallOptions, ModelRequest, ModelStream } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { memorySharedState } from "../shared-state/memory-shared-state.js";
import { scriptedModel } from "../testing/index.js";
import { drain, recordEvents, settle } from "./__fixtures__/harness.js";
import { concurrency } from "./concurrency.js";

const ask = (content: string): ModelRequest => ({ messages: [{ role: "user", content }] });

function recorder() {
  const { hub, of } = recordEvents();
  return { hub, queued: () => of("concurrency.queued") };
}

/** The error a stream ended with, if any. */
const drainError = async (stream: ModelStream) => (await drain(stream)).error;

/** Asked text of each request the model received, in order. */
const askedOf = (model: { requests: ModelRequest[] }) => model.requests.map((r) => r.messages[0]?.content);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("concurrency: generate", () => {
  it("runs at most `max` calls at once and records the queue wait", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 2 }));
    const calls = ["a", "b", "c"].map((q) => settle(limited.generate(ask(q))));
    await vi.advanceTimersByTimeAsync(0);
    expect(askedOf(model)).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(99);
    expect(model.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(askedOf(model)).toEqual(["a", "b", "c"]);
    await vi.advanceTimersByTimeAsync(100);
    const [a, , c] = await Promise.all(calls);
    expect(a?.ok && a.value.timings).toMatchObject({ queuedMs: 0, totalMs: 100 });
    expect(c?.ok && c.value.timings).toMatchObject({ queuedMs: 100, totalMs: 200 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("serves the queue first in, first out", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 10 }]);
    const limited = pipe(model, concurrency({ max: 1 }));
    const calls = ["1", "2", "3", "4"].map((q) => settle(limited.generate(ask(q))));
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(askedOf(model)).toEqual(["1", "2", "3", "4"]);
  });

  it("fails a call that waits longer than queueTimeoutMs, without calling the model", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 1000 }]);
    const limited = pipe(model, concurrency({ max: 1, queueTimeoutMs: 100 }));
    const first = settle(limited.generate(ask("a")));
    const second = settle(limited.generate(ask("b")));
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const r = await second;
    expect(!r.ok && r.error).toBeInstanceOf(TimeoutError);
    expect(!r.ok && r.error.message).toMatch(/timed out after 100 ms in the concurrency queue/);
    expect(!r.ok && r.error.provider).toBe("scripted");
    await vi.advanceTimersByTimeAsync(900);
    expect((await first).ok).toBe(true);
    expect(askedOf(model)).toEqual(["a"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the caller's deadline also ends a queue wait, reported as a deadline", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 1000 }]);
    const limited = pipe(model, concurrency({ max: 1, queueTimeoutMs: 5000 }));
    const first = settle(limited.generate(ask("a")));
    const second = settle(limited.generate(ask("b"), { deadline: Date.now() + 200 }));
    await vi.advanceTimersByTimeAsync(200);
    const r = await second;
    expect(!r.ok && r.error.message).toMatch(/deadline passed/);
    await vi.runAllTimersAsync();
    await first;
  });

  it("sheds a call at once when the queue is full", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 1, maxQueue: 1 }));
    const running = settle(limited.generate(ask("a")));
    const waiting = settle(limited.generate(ask("b")));
    await expect(limited.generate(ask("c"))).rejects.toSatisfy(
      (e: KeelError) =>
        e instanceof OverloadedError &&
        e.retryable &&
        e.provider === "scripted" &&
        /1 queued \(maxQueue 1\)/.test(e.message),
    );
    await vi.runAllTimersAsync();
    expect((await running).ok && (await waiting).ok).toBe(true);
    expect(askedOf(model)).toEqual(["a", "b"]);
  });

  it("aborting a queued call removes it from the queue", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 1 }));
    const controller = new AbortController();
    const a = settle(limited.generate(ask("a")));
    const b = settle(limited.generate(ask("b"), { signal: controller.signal }));
    const c = settle(limited.generate(ask("c")));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const rb = await b;
    expect(!rb.ok && rb.error).toBeInstanceOf(AbortedError);
    await vi.advanceTimersByTimeAsync(90);
    // "c" moved up: it starts as soon as "a" ends, and "b" never reaches the model.
    expect(askedOf(model)).toEqual(["a", "c"]);
    await vi.advanceTimersByTimeAsync(100);
    const rc = await c;
    expect(rc.ok && rc.value.timings.queuedMs).toBe(100);
    expect((await a).ok).toBe(true);
  });

  it("frees the slot when a call fails", async () => {
    const model = scriptedModel([new OverloadedError("busy"), "ok"]);
    const limited = pipe(model, concurrency({ max: 1 }));
    await expect(limited.generate(ask("a"))).rejects.toBeInstanceOf(OverloadedError);
    expect((await limited.generate(ask("b"))).text).toBe("ok");
  });

  it("shares its slots across every model it wraps", async () => {
    const one = scriptedModel([{ text: "1", delayMs: 100 }], { id: "one" });
    const two = scriptedModel([{ text: "2", delayMs: 100 }], { id: "two" });
    const shared = concurrency({ max: 1 });
    const a = settle(pipe(one, shared).generate(ask("a")));
    const b = settle(pipe(two, shared).generate(ask("b")));
    await vi.advanceTimersByTimeAsync(50);
    expect(two.requests).toHaveLength(0);
    await vi.runAllTimersAsync();
    expect((await a).ok && (await b).ok).toBe(true);
  });

  it("reports each queued call with the queue length and the call's context", async () => {
    const { hub, queued } = recorder();
    const model = scriptedModel([{ text: "ok", delayMs: 10 }]);
    const limited = pipe(model, concurrency({ max: 1, events: hub }));
    const calls = [
      limited.generate(ask("a")),
      limited.generate(ask("b"), { context: { runId: "r2" } }),
      limited.generate(ask("c")),
    ].map(settle);
    expect(queued()).toEqual([
      expect.objectContaining({ model: "scripted", queueLength: 1, context: { runId: "r2" } }),
      expect.objectContaining({ model: "scripted", queueLength: 2 }),
    ]);
    await vi.runAllTimersAsync();
    await Promise.all(calls);
  });

  it("rejects bad options clearly, naming the middleware and the option", () => {
    expect(() => concurrency({ max: 0 })).toThrow(InvalidRequestError);
    expect(() => concurrency({ max: 1.5 })).toThrow("concurrency: option `max` must be an integer >= 1");
    expect(() => concurrency({ max: 1, queueTimeoutMs: -1 })).toThrow(
      "concurrency: option `queueTimeoutMs` must be a number >= 0",
    );
    expect(() => concurrency({ max: 1, maxQueue: 1.5 })).toThrow(
      "concurrency: option `maxQueue` must be an integer >= 0, got 1.5",
    );
    expect(() => concurrency({ max: 1, leaseMs: 0 })).toThrow(
      "concurrency: option `leaseMs` must be a number > 0",
    );
    expect(() => concurrency({ max: 1, pollMs: 0 })).toThrow(
      "concurrency: option `pollMs` must be a number > 0",
    );
  });

  it("leaves no timer behind when a call with a queue limit gets its slot in time", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 1, queueTimeoutMs: 1000 }));
    const calls = [settle(limited.generate(ask("a"))), settle(limited.generate(ask("b")))];
    await vi.advanceTimersByTimeAsync(200);
    expect((await Promise.all(calls)).every((r) => r.ok)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes on the caller's own timeout while queued, rather than calling it a queue timeout", async () => {
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 1 }));
    const outer = new TimeoutError("the caller's own limit");
    const controller = new AbortController();
    const first = settle(limited.generate(ask("a")));
    const second = settle(limited.generate(ask("b"), { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(outer);
    const r = await second;
    expect(!r.ok && r.error).toBe(outer);
    await vi.runAllTimersAsync();
    await first;
  });

  it("with a store, leases slots under the key `concurrency` for 10 s, and a waiting call asks again every 25 ms", async () => {
    const store = memorySharedState();
    const asked: Array<{ key: string; leaseMs: number; at: number }> = [];
    const spied = new Proxy(store, {
      get(target, name) {
        if (name === "acquireLease")
          return (key: string, max: number, leaseMs: number) => {
            asked.push({ key, leaseMs, at: Date.now() });
            return target.acquireLease(key, max, leaseMs);
          };
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const model = scriptedModel([{ text: "ok", delayMs: 100 }]);
    const limited = pipe(model, concurrency({ max: 1, store: spied }));
    const calls = [settle(limited.generate(ask("a"))), settle(limited.generate(ask("b")))];
    await vi.advanceTimersByTimeAsync(99);
    expect(asked[0]).toMatchObject({ key: "concurrency", leaseMs: 10_000 });
    // The first call's lease, then the waiting call's first ask and one every 25 ms.
    expect(asked.map((a) => a.at)).toEqual([0, 0, 0, 25, 50, 75].map((ms) => ms + asked[0]!.at));
    await vi.advanceTimersByTimeAsync(200);
    expect((await Promise.all(calls)).every((r) => r.ok)).toBe(true);
  });
});

describe("concurrency: stream", () => {
  const slowStream = {
    events: [
      { type: "text-delta" as const, text: "a" },
      { type: "pause" as const, ms: 500 },
      { type: "text-delta" as const, text: "b" },
      { type: "finish" as const, finishReason: "stop" as const },
    ],
  };

  it("a stream holds its slot until it ends", async () => {
    const model = scriptedModel((request) => (request.messages[0]?.content === "s" ? slowStream : "ok"));
    const limited = pipe(model, concurrency({ max: 1 }));
    const stream = limited.stream(ask("s"));
    const streamed = drainError(stream);
    await vi.advanceTimersByTimeAsync(0);
    const after = settle(limited.generate(ask("g")));
    await vi.advanceTimersByTimeAsync(499);
    expect(askedOf(model)).toEqual(["s"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await streamed).toBeUndefined();
    const r = await after;
    expect(askedOf(model)).toEqual(["s", "g"]);
    expect(r.ok && r.value.timings.queuedMs).toBe(500);
  });

  it("an abandoned stream gives its slot back", async () => {
    const model = scriptedModel((request) => (request.messages[0]?.content === "s" ? slowStream : "ok"));
    const limited = pipe(model, concurrency({ max: 1 }));
    const stream = limited.stream(ask("s"));
    const after = settle(
      (async () => {
        for await (const e of stream) if (e.type === "text-delta") break;
        return limited.generate(ask("g"));
      })(),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(askedOf(model)).toEqual(["s", "g"]);
    expect((await after).ok).toBe(true);
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a failed stream gives its slot back", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "fail", error: busy },
        ],
      },
      "ok",
    ]);
    const limited = pipe(model, concurrency({ max: 1 }));
    expect(await drainError(limited.stream(ask("s")))).toBe(busy);
    expect((await limited.generate(ask("g"))).text).toBe("ok");
  });

  it("a queued stream records its wait in response.timings.queuedMs", async () => {
    const model = scriptedModel([{ text: "first", delayMs: 300 }, "second"]);
    const limited = pipe(model, concurrency({ max: 1 }));
    const first = settle(limited.generate(ask("a")));
    const stream = limited.stream(ask("b"));
    const streamed = drainError(stream);
    await vi.advanceTimersByTimeAsync(300);
    expect(await streamed).toBeUndefined();
    const response = await stream.response;
    expect(response.text).toBe("second");
    expect(response.timings.queuedMs).toBe(300);
    expect(response.timings.totalMs).toBe(300);
    await first;
  });

  it("hands the caller's options on to the inner model's stream", async () => {
    const inner = scriptedModel(["ok"]);
    const seen: CallOptions[] = [];
    const model = wrapModel(inner, {
      stream: (r, o) => {
        seen.push(o ?? {});
        return inner.stream(r, o);
      },
    });
    const deadline = Date.now() + 60_000;
    const stream = pipe(model, concurrency({ max: 1 })).stream(ask("s"), {
      deadline,
      context: { runId: "r1" },
    });
    expect(await drainError(stream)).toBeUndefined();
    expect(seen[0]).toMatchObject({ deadline, context: { runId: "r1" } });
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it("aborting a stream while it is queued fails it and leaves the queue", async () => {
    const model = scriptedModel([{ text: "first", delayMs: 300 }, "second"]);
    const limited = pipe(model, concurrency({ max: 1 }));
    const first = settle(limited.generate(ask("a")));
    const controller = new AbortController();
    const streamed = drainError(limited.stream(ask("b"), { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await streamed).toBeInstanceOf(AbortedError);
    await vi.runAllTimersAsync();
    await first;
    expect(askedOf(model)).toEqual(["a"]);
  });
});
