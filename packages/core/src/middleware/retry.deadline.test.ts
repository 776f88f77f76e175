import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OverloadedError, ProviderUnavailableError, RateLimitedError, TimeoutError } from "../errors.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain, settle } from "./__fixtures__/harness.js";
import { retry } from "./retry.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retry within a time budget", () => {
  it("retries while the wait ends inside maxTotalMs", async () => {
    const model = scriptedModel([new OverloadedError("busy"), "ok"]);
    const wrapped = pipe(model, retry({ baseDelayMs: 1000, random: () => 0.499, maxTotalMs: 500 }));
    const result = settle(wrapped.generate(req));
    await vi.advanceTimersByTimeAsync(499);
    const r = await result;
    expect(r.ok && r.value.text).toBe("ok");
    expect(model.requests).toHaveLength(2);
  });

  it("retries while the wait ends before the call's deadline, and not when it ends at it", async () => {
    const inside = scriptedModel([new RateLimitedError("429", { retryAfterMs: 1000 }), "ok"]);
    const deadline = Date.now() + 1101;
    const result = settle(pipe(inside, retry({ random: () => 1 })).generate(req, { deadline }));
    await vi.advanceTimersByTimeAsync(1100);
    expect((await result).ok).toBe(true);
    expect(inside.requests).toHaveLength(2);

    const limited = new RateLimitedError("429", { retryAfterMs: 1000 });
    const atDeadline = scriptedModel([limited, "ok"]);
    const call = pipe(atDeadline, retry({ random: () => 1 })).generate(req, { deadline: Date.now() + 1100 });
    await expect(call).rejects.toBe(limited);
    expect(atDeadline.requests).toHaveLength(1);
  });

  it("applies maxTotalMs and the deadline to streams the same way", async () => {
    const busy = new OverloadedError("busy");
    const inBudget = scriptedModel([busy, "hello"]);
    const kept = drain(
      pipe(inBudget, retry({ baseDelayMs: 100, random: () => 0.5, maxTotalMs: 51 })).stream(req),
    );
    await vi.advanceTimersByTimeAsync(50);
    expect((await kept).error).toBeUndefined();
    expect(inBudget.requests).toHaveLength(2);

    const overBudget = scriptedModel([busy, "hello"]);
    const cut = await drain(
      pipe(overBudget, retry({ baseDelayMs: 100, random: () => 0.5 })).stream(req, {
        deadline: Date.now() + 50,
      }),
    );
    expect(cut.error).toBe(busy);
    expect(overBudget.requests).toHaveLength(1);
  });
});

describe("retry and the provider's requested wait", () => {
  it("honours a retry-after equal to maxRetryAfterMs", async () => {
    const model = scriptedModel([new RateLimitedError("429", { retryAfterMs: 5000 }), "ok"]);
    const result = settle(pipe(model, retry({ maxRetryAfterMs: 5000, random: () => 0 })).generate(req));
    await vi.advanceTimersByTimeAsync(5000);
    expect((await result).ok).toBe(true);
    expect(model.requests).toHaveLength(2);
  });
});

describe("retry of the errors that are retryable by default", () => {
  it("retries a timeout and an unavailable provider with no shouldRetry given", async () => {
    const model = scriptedModel([new TimeoutError("slow"), new ProviderUnavailableError("502"), "ok"]);
    const result = settle(pipe(model, retry({ random: () => 0 })).generate(req));
    await vi.runAllTimersAsync();
    const r = await result;
    expect(r.ok && r.value.text).toBe("ok");
    expect(model.requests).toHaveLength(3);
  });
});
