import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, InvalidRequestError, type KeelError, RateLimitedError } from "../errors.js";
import type { ModelRequest, ModelStream } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { estimateRequestTokens } from "../tokens/estimate-tokens.js";
import { drain, recordEvents, settle } from "./__fixtures__/harness.js";
import { rateLimit } from "./rate-limit.js";

const ask = (content: string, maxOutputTokens?: number): ModelRequest => ({
  messages: [{ role: "user", content }],
  ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
});

function recorder() {
  const { hub, of } = recordEvents();
  return { hub, waited: () => of("rate-limit.waited") };
}

/** The error a stream ended with, if any. */
const drainError = async (stream: ModelStream) => (await drain(stream)).error;

const askedOf = (model: { requests: ModelRequest[] }) => model.requests.map((r) => r.messages[0]?.content);

/** A model whose answers report `totalTokens` as usage. */
const usingTokens = (totalTokens: number) =>
  scriptedModel([{ text: "ok", usage: { inputTokens: totalTokens, outputTokens: 0, totalTokens } }]);

/** Estimates each request's tokens from a number written as its prompt, for readable tests. */
const tokensInPrompt = (request: ModelRequest) => Number(request.messages[0]?.content);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("estimateRequestTokens", () => {
  it("is a quarter of the message characters plus the output cap (256 when unset)", () => {
    expect(estimateRequestTokens(ask("x".repeat(400), 100))).toBe(200);
    expect(estimateRequestTokens(ask("x".repeat(401)))).toBe(101 + 256);
  });

  it("counts system text, tool calls and tool results, not images", () => {
    const request: ModelRequest = {
      messages: [
        { role: "system", content: "abcd" },
        {
          role: "user",
          content: [
            { type: "text", text: "abcd" },
            { type: "image", mediaType: "image/png", data: "A".repeat(10_000) },
          ],
        },
        { role: "assistant", content: [{ type: "tool-call", id: "1", name: "ab", arguments: { a: 1 } }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "1", name: "ab", result: "abcdef" }] },
      ],
      maxOutputTokens: 1,
    };
    // 4 + 4 + (2 + '{"a":1}'.length = 9) + 6 = 23 chars -> 6 tokens, + 1 output token
    expect(estimateRequestTokens(request)).toBe(7);
  });
});

describe("rateLimit: requests per minute", () => {
  it("lets a full bucket through at once, then spaces calls by the refill rate", async () => {
    const { hub, waited } = recorder();
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ requestsPerMinute: 2, events: hub }));
    await limited.generate(ask("a"));
    await limited.generate(ask("b"));
    const third = settle(limited.generate(ask("c"), { context: { tenant: "t1" } }));
    await vi.advanceTimersByTimeAsync(29_999); // 2 per minute = one every 30 s
    expect(askedOf(model)).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(1);
    const r = await third;
    expect(r.ok && r.value.timings).toMatchObject({ queuedMs: 30_000, totalMs: 30_000 });
    expect(waited()).toEqual([
      expect.objectContaining({
        model: "scripted",
        waitMs: 30_000,
        reason: "requests",
        context: { tenant: "t1" },
      }),
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails at once with RateLimitedError when the wait would exceed maxWaitMs", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ requestsPerMinute: 1, maxWaitMs: 10_000 }));
    await limited.generate(ask("a"));
    const error = await limited.generate(ask("b")).catch((e: KeelError) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 60_000, retryable: true });
    expect((error as Error).message).toMatch(
      /requests-per-minute limit needs a 60000 ms wait, over the 10000 ms/,
    );
    expect(askedOf(model)).toEqual(["a"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails at once when the wait would outlast the call's deadline", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ requestsPerMinute: 1, maxWaitMs: 120_000 }));
    await limited.generate(ask("a"));
    const call = limited.generate(ask("b"), { deadline: Date.now() + 5000 });
    await expect(call).rejects.toMatchObject({ code: "rate-limited", retryAfterMs: 60_000 });
  });

  it("aborting a waiting call leaves the queue, and the one behind it moves up", async () => {
    const model = usingTokens(0);
    const limited = pipe(
      model,
      rateLimit({ tokensPerMinute: 600, estimateTokens: tokensInPrompt, maxWaitMs: 120_000 }),
    );
    await limited.generate(ask("600"));
    const controller = new AbortController();
    const b = settle(limited.generate(ask("600"), { signal: controller.signal })); // would go at 60 s
    const c = settle(limited.generate(ask("300"))); // behind it: 90 s
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    const rb = await b;
    expect(!rb.ok && rb.error).toBeInstanceOf(AbortedError);
    // "c" is now first in line and goes once 300 tokens are back, at 30 s.
    await vi.advanceTimersByTimeAsync(28_999);
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(askedOf(model)).toEqual(["600", "300"]);
    expect((await c).ok).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("shares its buckets across every model it wraps", async () => {
    const shared = rateLimit({ requestsPerMinute: 1, maxWaitMs: 0 });
    await pipe(scriptedModel(["1"], { id: "one" }), shared).generate(ask("a"));
    await expect(pipe(scriptedModel(["2"], { id: "two" }), shared).generate(ask("b"))).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });
});

describe("rateLimit: tokens per minute", () => {
  it("refunds the difference when a call used fewer tokens than estimated", async () => {
    const model = usingTokens(100);
    const limited = pipe(
      model,
      rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 600, maxWaitMs: 0 }),
    );
    await limited.generate(ask("a"));
    // Without the refund only 400 would be left and this call (600) would have to wait.
    const second = await limited.generate(ask("b"));
    expect(second.timings.queuedMs).toBe(0);
  });

  it("charges the difference when a call used more tokens than estimated", async () => {
    const { hub, waited } = recorder();
    const model = usingTokens(1000);
    const limited = pipe(model, rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 100, events: hub }));
    await limited.generate(ask("a"));
    const second = settle(limited.generate(ask("b")));
    await vi.advanceTimersByTimeAsync(5999); // 100 tokens refill in 6 s
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await second).ok).toBe(true);
    expect(waited()).toMatchObject([{ waitMs: 6000, reason: "tokens" }]);
  });

  it("keeps the estimate when the response reports no usage", async () => {
    const model = scriptedModel([{ text: "ok", usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } }]);
    const limited = pipe(
      model,
      rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 600, maxWaitMs: 0 }),
    );
    await limited.generate(ask("a"));
    await expect(limited.generate(ask("b"))).rejects.toMatchObject({
      code: "rate-limited",
      retryAfterMs: 12_000,
    });
  });

  it("waits first in, first out: a small call does not overtake a large one", async () => {
    const model = usingTokens(0);
    const limited = pipe(model, rateLimit({ tokensPerMinute: 1000, estimateTokens: tokensInPrompt }));
    await limited.generate(ask("1000"));
    await vi.advanceTimersByTimeAsync(10_000); // about 166 tokens back
    const big = settle(limited.generate(ask("600")));
    const small = settle(limited.generate(ask("100")));
    // "100" would fit now, but it is behind "600" (ready at 36 s).
    await vi.advanceTimersByTimeAsync(25_999);
    expect(askedOf(model)).toEqual(["1000"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(askedOf(model)).toEqual(["1000", "600"]);
    await vi.advanceTimersByTimeAsync(5_999);
    expect(askedOf(model)).toEqual(["1000", "600"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(askedOf(model)).toEqual(["1000", "600", "100"]);
    const [b, s] = await Promise.all([big, small]);
    expect(b.ok && b.value.timings.queuedMs).toBe(26_000);
    expect(s.ok && s.value.timings.queuedMs).toBe(32_000);
  });

  it("fails a queued call with RateLimitedError when a later charge stretches its wait past maxWaitMs", async () => {
    const model = scriptedModel((request) =>
      request.messages[0]?.content === "500"
        ? { text: "ok", delayMs: 1000, usage: { inputTokens: 1500, outputTokens: 0, totalTokens: 1500 } }
        : "ok",
    );
    const limited = pipe(
      model,
      rateLimit({ tokensPerMinute: 1000, estimateTokens: tokensInPrompt, maxWaitMs: 10_000 }),
    );
    const first = settle(limited.generate(ask("500")));
    const second = settle(limited.generate(ask("600"))); // 100 short: 6 s, within the limit
    await vi.advanceTimersByTimeAsync(1000); // "500" used 1500: the bucket is now 1000 in debt
    expect((await first).ok).toBe(true);
    await vi.advanceTimersByTimeAsync(8999);
    expect(model.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const r = await second;
    expect(!r.ok && r.error).toBeInstanceOf(RateLimitedError);
    // At 10 s the level is 500 - 1000 + 166.7 = -333.3; 600 more need 933.3 tokens = 56 s.
    expect(!r.ok && r.error.retryAfterMs).toBe(56_000);
    expect(model.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails at once when one call needs more than the whole per-minute capacity", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ tokensPerMinute: 1000 }));
    const error = await limited.generate(ask("x".repeat(4000), 100)).catch((e: KeelError) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as KeelError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/about 1100 tokens, more than the whole rate limit of 1000/);
    expect(model.requests).toHaveLength(0);
  });

  it("applies both limits; the call waits for the scarcer one", async () => {
    const { hub, waited } = recorder();
    const model = usingTokens(0);
    const limited = pipe(
      model,
      rateLimit({ requestsPerMinute: 60, tokensPerMinute: 600, estimateTokens: tokensInPrompt, events: hub }),
    );
    await limited.generate(ask("600"));
    const next = settle(limited.generate(ask("300"))); // requests: 0 ms, tokens: 30 s
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await next).ok).toBe(true);
    expect(waited()).toMatchObject([{ waitMs: 30_000, reason: "tokens" }]);
  });

  it("rejects bad options and estimates clearly", async () => {
    expect(() => rateLimit({})).toThrow(/give `requestsPerMinute`, `tokensPerMinute` or both/);
    expect(() => rateLimit({ requestsPerMinute: 0 })).toThrow(InvalidRequestError);
    const limited = pipe(
      scriptedModel(["ok"]),
      rateLimit({ tokensPerMinute: 10, estimateTokens: () => Number.NaN }),
    );
    await expect(limited.generate(ask("a"))).rejects.toThrow(/estimateTokens\(request\)/);
  });
});

describe("rateLimit: stream", () => {
  it("waits before streaming, records the wait, and corrects tokens from the stream's usage", async () => {
    const model = scriptedModel([
      { text: "hello", usage: { inputTokens: 50, outputTokens: 50, totalTokens: 100 } },
    ]);
    const limited = pipe(model, rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 600 }));
    await limited.generate(ask("a")); // level 1000 - 600 + 500 refund = 900
    await limited.generate(ask("b")); // 900 - 600 + 500 = 800
    const stream = limited.stream(ask("c")); // 800 - 600 = 200; refund 500 -> 700
    const streamed = drainError(stream);
    await vi.advanceTimersByTimeAsync(0);
    expect(await streamed).toBeUndefined();
    expect((await stream.response).timings.queuedMs).toBe(0);
    await limited.generate(ask("d")); // 700 - 600 + 500 = 600: no wait thanks to the refunds
    await drainError(limited.stream(ask("e"))); // 600 - 600 + 500 = 500: no wait either
    const late = limited.stream(ask("f")); // level 500: waits 100 tokens = 6 s
    const lateDone = drainError(late);
    await vi.advanceTimersByTimeAsync(6000);
    expect(await lateDone).toBeUndefined();
    const response = await late.response;
    expect(response.text).toBe("hello");
    expect(response.timings.queuedMs).toBe(6000);
  });

  it("aborting a stream while it waits fails it with AbortedError", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ requestsPerMinute: 1, maxWaitMs: 120_000 }));
    await limited.generate(ask("a"));
    const controller = new AbortController();
    const streamed = drainError(limited.stream(ask("b"), { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    expect(await streamed).toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
    expect(model.requests).toHaveLength(1);
  });
});
