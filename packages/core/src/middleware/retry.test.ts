import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  InvalidRequestError,
  type KeelError,
  NetworkError,
  OverloadedError,
  RateLimitedError,
} from "../errors.js";
import type { StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain, recordEvents, settle } from "./__fixtures__/harness.js";
import { retry } from "./retry.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };

const recorder = recordEvents;

const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retry: generate", () => {
  it("returns the first success without waiting, reporting one attempt", async () => {
    const { hub, of } = recorder();
    const model = scriptedModel(["ok"]);
    const r = await pipe(model, retry({ events: hub })).generate(req);
    expect(r.text).toBe("ok");
    expect(model.requests).toHaveLength(1);
    expect(of("retry.attempted")).toMatchObject([{ model: "scripted", attempt: 1 }]);
    expect(of("retry.scheduled")).toEqual([]);
  });

  it("retries retryable errors after full-jitter backoff and reports each wait", async () => {
    const { hub, of } = recorder();
    const e1 = new OverloadedError("busy");
    const e2 = new NetworkError("reset");
    const model = scriptedModel([e1, e2, "ok"]);
    const wrapped = pipe(model, retry({ baseDelayMs: 100, random: () => 0.5, events: hub }));
    const result = settle(wrapped.generate(req, { context: { runId: "run-1" } }));

    await vi.advanceTimersByTimeAsync(49);
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // 0.5 * 100
    expect(model.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(model.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // 0.5 * 200
    const r = await result;

    expect(r.ok && r.value.text).toBe("ok");
    expect(model.requests).toHaveLength(3);
    expect(of("retry.attempted").map((e) => "attempt" in e && e.attempt)).toEqual([1, 2, 3]);
    expect(of("retry.scheduled")).toEqual([
      expect.objectContaining({
        model: "scripted",
        attempt: 2,
        delayMs: 50,
        error: e1,
        context: { runId: "run-1" },
      }),
      expect.objectContaining({ model: "scripted", attempt: 3, delayMs: 100, error: e2 }),
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("caps the backoff window at maxDelayMs and draws the delay from [0, window]", async () => {
    const { hub, of } = recorder();
    const random = vi.fn().mockReturnValueOnce(0).mockReturnValueOnce(0.999).mockReturnValueOnce(0.999);
    const model = scriptedModel([
      new OverloadedError("1"),
      new OverloadedError("2"),
      new OverloadedError("3"),
      "ok",
    ]);
    const wrapped = pipe(
      model,
      retry({ maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 1500, random, events: hub }),
    );
    const result = settle(wrapped.generate(req));
    await vi.runAllTimersAsync();
    expect((await result).ok).toBe(true);
    // windows: 1000, 2000 -> capped 1500, 4000 -> capped 1500
    expect(of("retry.scheduled").map((e) => "delayMs" in e && e.delayMs)).toEqual([0, 1499, 1499]);
  });

  it("gives up after maxAttempts and throws the last error unchanged", async () => {
    const errors = [new OverloadedError("a"), new OverloadedError("b"), new OverloadedError("c")];
    const model = scriptedModel(errors);
    const result = settle(pipe(model, retry({ random: () => 0 })).generate(req));
    await vi.runAllTimersAsync();
    const r = await result;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(errors[2]);
    expect(model.requests).toHaveLength(3);
  });

  it("does not retry errors that are not retryable", async () => {
    const bad = new InvalidRequestError("bad field");
    const model = scriptedModel([bad, "ok"]);
    await expect(pipe(model, retry()).generate(req)).rejects.toBe(bad);
    expect(model.requests).toHaveLength(1);
  });

  it("never retries an abort, even when shouldRetry says yes", async () => {
    const aborted = new AbortedError("stop");
    const model = scriptedModel([aborted, "ok"]);
    await expect(pipe(model, retry({ shouldRetry: () => true })).generate(req)).rejects.toBe(aborted);
    expect(model.requests).toHaveLength(1);
  });

  it("lets shouldRetry decide, given the error and the failed attempt's number", async () => {
    const shouldRetry = vi.fn((error: KeelError) => error.code === "invalid-request");
    const bad = new InvalidRequestError("flaky validator");
    const busy = new OverloadedError("busy");
    const model = scriptedModel([bad, busy, "ok"]);
    const result = settle(pipe(model, retry({ shouldRetry, random: () => 0 })).generate(req));
    await vi.runAllTimersAsync();
    const r = await result;
    expect(!r.ok && r.error).toBe(busy);
    expect(shouldRetry.mock.calls).toEqual([
      [bad, 1],
      [busy, 2],
    ]);
  });

  it("waits the provider's retryAfterMs (plus up to 10% jitter) instead of the backoff", async () => {
    const { hub, of } = recorder();
    const limited = new RateLimitedError("429", { retryAfterMs: 2000 });
    const model = scriptedModel([limited, "ok"]);
    const result = settle(pipe(model, retry({ random: () => 0.5, events: hub })).generate(req));
    await vi.advanceTimersByTimeAsync(2099);
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await result).ok).toBe(true);
    expect(of("retry.scheduled")).toMatchObject([{ delayMs: 2100, error: limited }]);
  });

  it("gives up at once when the provider asks for a wait above maxRetryAfterMs", async () => {
    const limited = new RateLimitedError("429", { retryAfterMs: 120_000 });
    const model = scriptedModel([limited, "ok"]);
    await expect(pipe(model, retry({ maxRetryAfterMs: 60_000 })).generate(req)).rejects.toBe(limited);
    expect(model.requests).toHaveLength(1);
  });

  it("throws at once rather than sleep past maxTotalMs", async () => {
    const { hub, of } = recorder();
    const busy = new OverloadedError("busy");
    const model = scriptedModel([busy, "ok"]);
    const wrapped = pipe(
      model,
      retry({ baseDelayMs: 1000, random: () => 0.9, maxTotalMs: 500, events: hub }),
    );
    // No timer is advanced: the 900 ms wait would cross the 500 ms budget, so it is never taken.
    await expect(wrapped.generate(req)).rejects.toBe(busy);
    expect(model.requests).toHaveLength(1);
    expect(of("retry.scheduled")).toEqual([]);
  });

  it("counts attempt time against maxTotalMs", async () => {
    const busy = new OverloadedError("busy");
    const slowFailure = {
      events: [
        { type: "pause" as const, ms: 400 },
        { type: "fail" as const, error: busy },
      ],
    };
    const model = scriptedModel([slowFailure, "ok"]);
    const wrapped = pipe(model, retry({ baseDelayMs: 200, random: () => 0.5, maxTotalMs: 500 }));
    const result = settle(wrapped.generate(req));
    await vi.advanceTimersByTimeAsync(400); // 400 spent + 100 wait reaches the 500 budget
    const r = await result;
    expect(!r.ok && r.error).toBe(busy);
    expect(model.requests).toHaveLength(1);
  });

  it("throws at once rather than sleep past the call's deadline", async () => {
    const limited = new RateLimitedError("429", { retryAfterMs: 2000 });
    const model = scriptedModel([limited, "ok"]);
    const call = pipe(model, retry()).generate(req, { deadline: Date.now() + 1500 });
    await expect(call).rejects.toBe(limited);
    expect(model.requests).toHaveLength(1);
  });

  it("stops waiting when the caller aborts, and leaves no timer behind", async () => {
    const model = scriptedModel([new OverloadedError("busy"), "ok"]);
    const controller = new AbortController();
    const result = settle(
      pipe(model, retry({ baseDelayMs: 10_000, random: () => 0.5 })).generate(req, {
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    const r = await result;
    expect(!r.ok && r.error).toBeInstanceOf(AbortedError);
    expect(model.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reports the whole wait in timings.totalMs, failed attempts included", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 300 },
          { type: "fail", error: busy },
        ],
      },
      { text: "ok", delayMs: 50 },
    ]);
    const result = settle(pipe(model, retry({ baseDelayMs: 100, random: () => 1 })).generate(req));
    await vi.runAllTimersAsync();
    const r = await result;
    expect(r.ok && r.value.timings.totalMs).toBe(300 + 100 + 50);
  });

  it("rejects nonsense options with a clear error", () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow(/retry: option `maxAttempts` must be an integer >= 1/);
    expect(() => retry({ baseDelayMs: -1 })).toThrow(InvalidRequestError);
  });
});

describe("retry: stream", () => {
  it("retries a stream that fails before its first content event", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "response-metadata", requestId: "r1" },
          { type: "fail", error: busy },
        ],
      },
      { text: "hello", chunkSize: 2 },
    ]);
    const stream = pipe(model, retry({ random: () => 0 })).stream(req);
    const done = drain(stream);
    await vi.runAllTimersAsync();
    const { seen, error } = await done;
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("hello");
    expect(seen.some((e) => e.type === "error")).toBe(false);
    expect(model.requests).toHaveLength(2);
    expect((await stream.response).text).toBe("hello");
  });

  it("does not retry once content has reached the caller", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "he" },
          { type: "fail", error: busy },
        ],
      },
      "hello",
    ]);
    const stream = pipe(model, retry({ random: () => 0 })).stream(req);
    const { seen, error } = await drain(stream);
    expect(error).toBe(busy);
    expect(textOf(seen)).toBe("he");
    expect(seen.at(-1)).toEqual({ type: "error", error: busy });
    expect(model.requests).toHaveLength(1);
    await expect(stream.response).rejects.toBe(busy);
  });

  it("treats a tool-call delta as content too", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "tool-call-delta", index: 0, name: "f", argumentsDelta: "{" },
          { type: "fail", error: busy },
        ],
      },
      "hello",
    ]);
    const { error } = await drain(pipe(model, retry({ random: () => 0 })).stream(req));
    expect(error).toBe(busy);
    expect(model.requests).toHaveLength(1);
  });

  it("retries after the first token when asked; response holds the successful attempt only", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "he" },
          { type: "fail", error: busy },
        ],
      },
      "hello",
    ]);
    const stream = pipe(model, retry({ random: () => 0, retryStreamAfterFirstToken: true })).stream(req);
    const done = drain(stream);
    await vi.runAllTimersAsync();
    const { seen, error } = await done;
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("hehello");
    expect((await stream.response).text).toBe("hello");
    expect(model.requests).toHaveLength(2);
  });

  it("reports attempts and scheduled retries for streams", async () => {
    const { hub, of } = recorder();
    const busy = new OverloadedError("busy");
    const model = scriptedModel([busy, "ok"]);
    const stream = pipe(model, retry({ baseDelayMs: 100, random: () => 0.25, events: hub })).stream(req, {
      context: { stepId: "s1" },
    });
    const done = drain(stream);
    await vi.runAllTimersAsync();
    await done;
    expect(of("retry.attempted")).toMatchObject([
      { attempt: 1, context: { stepId: "s1" } },
      { attempt: 2, context: { stepId: "s1" } },
    ]);
    expect(of("retry.scheduled")).toMatchObject([{ attempt: 2, delayMs: 25, error: busy }]);
  });

  it("a consumer that stops early ends the attempt; nothing keeps running", async () => {
    const model = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 10_000 },
          { type: "text-delta", text: "b" },
        ],
      },
    ]);
    const stream = pipe(model, retry()).stream(req);
    for await (const e of stream) if (e.type === "text-delta") break;
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(model.requests).toHaveLength(1);
  });

  it("ends a read of a stream that ignores its signal when the caller aborts", async () => {
    const model = scriptedModel(["x"]);
    const deaf = {
      ...model,
      stream: () => ({
        response: new Promise<never>(() => {}),
        [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => {}) }),
      }),
    };
    const controller = new AbortController();
    const done = drain(pipe(deaf, retry()).stream(req, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect((await done).error).toBeInstanceOf(AbortedError);
  });

  it("leaves no listener on the caller's signal once a stream has ended", async () => {
    const model = scriptedModel(["a", "b", "c"]);
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, "addEventListener");
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    const retried = pipe(model, retry());
    for (let i = 0; i < 3; i++) await drain(retried.stream(req, { signal: controller.signal }));
    expect(added.mock.calls.length).toBeGreaterThan(0);
    expect(removed.mock.calls.length).toBe(added.mock.calls.length);
  });

  it("a consumer that stops during a backoff wait ends it at once, without waiting it out", async () => {
    const model = scriptedModel([new OverloadedError("busy"), "ok"]);
    const stream = pipe(model, retry({ baseDelayMs: 60_000, random: () => 1 })).stream(req);
    const iterator = stream[Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersByTimeAsync(10);
    await iterator.return?.();
    await expect(first).resolves.toEqual({ value: undefined, done: true });
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
    expect(model.requests).toHaveLength(1);
  });

  it("aborting during a stream's backoff wait fails it with AbortedError", async () => {
    const model = scriptedModel([new OverloadedError("busy"), "ok"]);
    const controller = new AbortController();
    const stream = pipe(model, retry({ baseDelayMs: 5000, random: () => 1 })).stream(req, {
      signal: controller.signal,
    });
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    const { error } = await done;
    expect(error).toBeInstanceOf(AbortedError);
    expect(model.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
