import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, type KeelError, RateLimitedError } from "../errors.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { memorySharedState } from "../shared-state/memory-shared-state.js";
import { scriptedModel } from "../testing/index.js";
import { recordEvents, settle } from "./__fixtures__/harness.js";
import { rateLimit } from "./rate-limit.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: KeelError) => e,
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("rateLimit with a shared store", () => {
  it("names the quota 'rate-limit' by default: middleware with that key share it, another key has its own", async () => {
    const store = memorySharedState();
    const limited = (key?: string) =>
      pipe(
        scriptedModel(["ok"]),
        rateLimit({ requestsPerMinute: 1, maxWaitMs: 0, store, ...(key ? { key } : {}) }),
      );
    expect((await limited().generate(request)).text).toBe("ok");
    expect(await failure(limited("rate-limit").generate(request))).toBeInstanceOf(RateLimitedError);
    expect((await limited("other").generate(request)).text).toBe("ok");
  });

  it("fails at once when the wait would outlast the call's deadline, saying how long it may wait", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(
      model,
      rateLimit({ requestsPerMinute: 1, maxWaitMs: 120_000, store: memorySharedState() }),
    );
    await limited.generate(request);
    const late = await failure(limited.generate(request, { deadline: Date.now() + 10_000 }));
    expect(late).toBeInstanceOf(RateLimitedError);
    expect(late?.retryAfterMs).toBe(60_000);
    expect(late?.message).toBe(
      "scripted: the shared requests-per-minute limit needs a 60000 ms wait, over the 10000 ms this call may wait",
    );
    const past = await failure(limited.generate(request, { deadline: Date.now() - 5 }));
    expect(past?.message).toMatch(/over the 0 ms this call may wait$/);
    expect(model.requests).toHaveLength(1);
  });

  it("fails at once, rather than after waiting it out, when the wait would last all of maxWaitMs", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(
      model,
      rateLimit({ requestsPerMinute: 1, maxWaitMs: 60_000, store: memorySharedState() }),
    );
    await limited.generate(request);
    expect(await failure(limited.generate(request))).toMatchObject({
      code: "rate-limited",
      retryAfterMs: 60_000,
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waits when maxWaitMs allows it, reports the wait, and leaves no timer behind", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel(["ok"]);
    const limited = pipe(
      model,
      rateLimit({ requestsPerMinute: 1, maxWaitMs: 60_001, store: memorySharedState(), events: hub }),
    );
    await limited.generate(request);
    const second = settle(limited.generate(request));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const r = await second;
    expect(r.ok && r.value.timings.queuedMs).toBe(60_000);
    expect(of("rate-limit.waited")).toMatchObject([{ waitMs: 60_000, reason: "requests" }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops waiting when the caller aborts", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(
      model,
      rateLimit({ requestsPerMinute: 1, maxWaitMs: 120_000, store: memorySharedState() }),
    );
    await limited.generate(request);
    const controller = new AbortController();
    const waiting = failure(limited.generate(request, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortedError);
    expect(model.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("when a later charge stretches a wait, fails it at maxWaitMs with RateLimitedError, at the caller's deadline with TimeoutError", async () => {
    for (const [limit, deadlineIn, code] of [
      [10_000, undefined, "rate-limited"],
      [60_000, 10_000, "timeout"],
    ] as const) {
      const model = scriptedModel((req) =>
        req.messages[0]?.content === "500"
          ? { text: "ok", delayMs: 1000, usage: { inputTokens: 1500, outputTokens: 0, totalTokens: 1500 } }
          : "ok",
      );
      const limited = pipe(
        model,
        rateLimit({
          tokensPerMinute: 1000,
          estimateTokens: (req) => Number(req.messages[0]?.content),
          maxWaitMs: limit,
          store: memorySharedState(),
        }),
      );
      const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });
      const first = settle(limited.generate(ask("500")));
      // 100 short: 6 s, within both limits, until "500" turns out to have used 1500.
      const second = failure(
        limited.generate(ask("600"), deadlineIn === undefined ? {} : { deadline: Date.now() + deadlineIn }),
      );
      await vi.advanceTimersByTimeAsync(10_000);
      expect((await first).ok).toBe(true);
      expect(await second, code).toMatchObject({ code });
      expect(model.requests).toHaveLength(1);
    }
  });
});
