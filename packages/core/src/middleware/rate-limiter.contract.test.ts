import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, TimeoutError } from "../errors.js";
import { RateLimiter } from "./rate-limiter.js";

const req = (requests: number, tokens = 0) => ({ requests, tokens });

/** Records the order in which `take` calls are admitted. */
function admissions() {
  const order: string[] = [];
  return { order, mark: (name: string) => () => void order.push(name) };
}

describe("RateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("with no limits admits everything and expects no wait", () => {
    const limiter = new RateLimiter({});
    expect(limiter.tryTake(req(1000, 1e9))).toBe(true);
    expect(limiter.expectedWait(req(1000, 1e9))).toEqual({ ms: 0, reason: "requests" });
  });

  it("names the only limit there is, even when nothing waits", () => {
    const limiter = new RateLimiter({ tokensPerMinute: 600 });
    expect(limiter.expectedWait(req(1, 10))).toEqual({ ms: 0, reason: "tokens" });
  });

  it("takes at once while both buckets hold the cost, and refuses when either is short", () => {
    const limiter = new RateLimiter({ requestsPerMinute: 2, tokensPerMinute: 600 });
    expect(limiter.tryTake(req(1, 500))).toBe(true);
    // Requests left, tokens short.
    expect(limiter.tryTake(req(1, 200))).toBe(false);
    expect(limiter.tryTake(req(1, 100))).toBe(true);
    // Tokens were refused, not taken, above: none left now, and no requests either.
    expect(limiter.tryTake(req(1, 0))).toBe(false);
  });

  it("reports the limit that holds a call up longest, counting everyone already in line", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60, tokensPerMinute: 6000 });
    // 1 request per second, 100 tokens per second.
    limiter.tryTake(req(60, 0));
    expect(limiter.expectedWait(req(1, 0))).toEqual({ ms: 1000, reason: "requests" });
    expect(limiter.expectedWait(req(1, 6000 + 500))).toEqual({ ms: 5000, reason: "tokens" });
    const first = limiter.take(req(1, 0));
    // Behind the queued call: two requests' worth of refill.
    expect(limiter.waiting).toBe(1);
    expect(limiter.expectedWait(req(1, 0))).toEqual({ ms: 2000, reason: "requests" });
    await vi.advanceTimersByTimeAsync(1000);
    await first;
    expect(limiter.waiting).toBe(0);
  });

  it("sizes buckets by burstMs while keeping the per-minute rate", () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60, burstMs: 2000 });
    expect(limiter.tryTake(req(1))).toBe(true);
    expect(limiter.tryTake(req(1))).toBe(true);
    expect(limiter.tryTake(req(1))).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(limiter.tryTake(req(1))).toBe(true);
    expect(limiter.tryTake(req(1))).toBe(false);
  });

  it("admits waiters strictly in order, so a large call is not starved by small ones", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 600 }); // 10 tokens a second
    limiter.tryTake(req(0, 600));
    const { order, mark } = admissions();
    const big = limiter.take(req(0, 50)).then(mark("big"));
    const small = limiter.take(req(0, 10)).then(mark("small"));
    // Nobody may jump the line, even when the small cost would fit.
    expect(limiter.tryTake(req(0, 0))).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(3999);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(["big"]);
    await vi.advanceTimersByTimeAsync(999);
    expect(order).toEqual(["big"]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([big, small]);
    expect(order).toEqual(["big", "small"]);
    expect(limiter.waiting).toBe(0);
  });

  it("admits every waiter that fits at once when the head goes", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60, burstMs: 3000 }); // holds 3
    limiter.tryTake(req(3));
    const { order, mark } = admissions();
    const a = limiter.take(req(1)).then(mark("a"));
    const b = limiter.take(req(1)).then(mark("b"));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
  });

  it("rejects at once with the signal's error when already aborted, leaving the line as it was", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1 });
    limiter.tryTake(req(1));
    const controller = new AbortController();
    controller.abort(new TimeoutError("deadline"));
    await expect(limiter.take(req(1), controller.signal)).rejects.toBeInstanceOf(TimeoutError);
    expect(limiter.waiting).toBe(0);
  });

  it("an already-aborted signal does not stop a call that fits now", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1 });
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.take(req(1), controller.signal)).resolves.toBeUndefined();
  });

  it("an aborted waiter leaves the line, and the next one goes on the head's schedule", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60 }); // 1 a second
    limiter.tryTake(req(60));
    const controller = new AbortController();
    const { order, mark } = admissions();
    const head = limiter.take(req(5), controller.signal);
    const next = limiter.take(req(1)).then(mark("next"));
    expect(limiter.waiting).toBe(2);
    controller.abort();
    await expect(head).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await next;
    expect(order).toEqual(["next"]);
  });

  it("aborting a waiter behind the head leaves the head in place", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60 });
    limiter.tryTake(req(60));
    const controller = new AbortController();
    const { order, mark } = admissions();
    const head = limiter.take(req(1)).then(mark("head"));
    const behind = limiter.take(req(1), controller.signal);
    controller.abort();
    await expect(behind).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await head;
    expect(order).toEqual(["head"]);
    // The aborted call took nothing: the next second's request is still there.
    await vi.advanceTimersByTimeAsync(1000);
    expect(limiter.tryTake(req(1))).toBe(true);
  });

  it("an admitted call no longer listens to its signal", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60 });
    limiter.tryTake(req(60));
    const controller = new AbortController();
    const call = limiter.take(req(1), controller.signal);
    await vi.advanceTimersByTimeAsync(1000);
    await call;
    controller.abort();
    // Aborting after admission must not disturb later waiters' schedule.
    const { order, mark } = admissions();
    const later = limiter.take(req(1)).then(mark("later"));
    await vi.advanceTimersByTimeAsync(1000);
    await later;
    expect(order).toEqual(["later"]);
  });

  it("charges extra tokens after a call, delaying those waiting", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 600 }); // 10 a second
    limiter.tryTake(req(0, 600));
    const { order, mark } = admissions();
    const waiter = limiter.take(req(0, 10)).then(mark("waiter"));
    limiter.adjustTokens(20);
    await vi.advanceTimersByTimeAsync(2999);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await waiter;
    expect(order).toEqual(["waiter"]);
  });

  it("refunds unused tokens after a call, admitting those waiting at once", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 600 });
    limiter.tryTake(req(0, 600));
    const { order, mark } = admissions();
    const waiter = limiter.take(req(0, 100)).then(mark("waiter"));
    limiter.adjustTokens(-100);
    await vi.advanceTimersByTimeAsync(0);
    await waiter;
    expect(order).toEqual(["waiter"]);
    // The refund is capped by the bucket's size.
    limiter.adjustTokens(-10_000);
    expect(limiter.tryTake(req(0, 600))).toBe(true);
    expect(limiter.tryTake(req(0, 1))).toBe(false);
  });

  it("ignores a zero correction and one with no token limit", () => {
    const noTokens = new RateLimiter({ requestsPerMinute: 1 });
    expect(() => noTokens.adjustTokens(50)).not.toThrow();
    expect(noTokens.tryTake(req(1, 1e9))).toBe(true);
    const limiter = new RateLimiter({ tokensPerMinute: 60 });
    limiter.adjustTokens(0);
    expect(limiter.tryTake(req(0, 60))).toBe(true);
  });
});
