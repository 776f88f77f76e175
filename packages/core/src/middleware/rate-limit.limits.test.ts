import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError, type KeelError, TimeoutError } from "../errors.js";
import type { ModelRequest, Usage } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { settle } from "./__fixtures__/harness.js";
import { rateLimit } from "./rate-limit.js";

const ask = (content: string): ModelRequest => ({ messages: [{ role: "user", content }] });
/** Estimates each request's tokens from a number written as its prompt. */
const tokensInPrompt = (request: ModelRequest) => Number(request.messages[0]?.content);
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: KeelError) => e,
  );

/** A model whose responses carry no usage at all, as a provider that reports none can. */
function withoutUsage() {
  const inner = scriptedModel(["ok"], { provider: "acme" });
  return wrapModel(inner, {
    generate: async (request, options) => ({
      ...(await inner.generate(request, options)),
      usage: undefined as unknown as Usage,
    }),
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("rateLimit: limits, sizes and what errors say", () => {
  it("names the option that is out of range", () => {
    const bad: Array<[string, Parameters<typeof rateLimit>[0]]> = [
      ["requestsPerMinute", { requestsPerMinute: 0 }],
      ["tokensPerMinute", { tokensPerMinute: -1 }],
      ["maxWaitMs", { requestsPerMinute: 1, maxWaitMs: -1 }],
      ["burstMs", { requestsPerMinute: 1, burstMs: 0 }],
      ["burstMs", { requestsPerMinute: 1, burstMs: -1 }],
    ];
    for (const [name, options] of bad)
      expect(() => rateLimit(options), name).toThrow(new RegExp(`^rateLimit: option \`${name}\``));
  });

  it("names a bad estimate, and takes a large one that fits the limit", async () => {
    const nan = pipe(
      scriptedModel(["ok"]),
      rateLimit({ tokensPerMinute: 10, estimateTokens: () => Number.NaN }),
    );
    await expect(nan.generate(ask("a"))).rejects.toThrow(/^rateLimit: option `estimateTokens\(request\)`/);
    // Above the longest timer, still a plain count of tokens.
    const big = pipe(scriptedModel(["ok"]), rateLimit({ tokensPerMinute: 1e10, estimateTokens: () => 3e9 }));
    expect((await big.generate(ask("a"))).text).toBe("ok");
  });

  it("refuses a call bigger than one burst of tokens, naming the model and its provider", async () => {
    const inner = scriptedModel(["ok"], { id: "m1", provider: "acme" });
    const model = pipe(
      inner,
      rateLimit({ tokensPerMinute: 6_000, burstMs: 6_000, estimateTokens: tokensInPrompt }),
    );
    const error = await failure(model.generate(ask("601")));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error?.message).toBe(
      "m1: the request needs about 601 tokens, more than the 600 a burst of 6000 ms allows; " +
        "shorten the prompt, lower maxOutputTokens or raise burstMs",
    );
    expect(error?.provider).toBe("acme");
    expect(inner.requests).toHaveLength(0);
    expect((await model.generate(ask("600"))).text).toBe("ok");
  });

  it("names the provider when a call needs more than the whole per-minute limit", async () => {
    const model = pipe(
      scriptedModel(["ok"], { provider: "acme" }),
      rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 1001 }),
    );
    expect(await failure(model.generate(ask("a")))).toMatchObject({
      code: "invalid-request",
      provider: "acme",
    });
  });

  it("estimates no tokens when only requests are limited", async () => {
    const estimateTokens = vi.fn(() => Number.NaN);
    const model = pipe(scriptedModel(["ok"]), rateLimit({ requestsPerMinute: 60, estimateTokens }));
    expect((await model.generate(ask("a"))).text).toBe("ok");
    expect(estimateTokens).not.toHaveBeenCalled();
  });

  it("keeps the estimate charged when a response has no usage at all", async () => {
    const requestsOnly = pipe(withoutUsage(), rateLimit({ requestsPerMinute: 60 }));
    expect((await requestsOnly.generate(ask("a"))).text).toBe("ok");
    const tokens = pipe(
      withoutUsage(),
      rateLimit({ tokensPerMinute: 1000, estimateTokens: () => 600, maxWaitMs: 0 }),
    );
    expect((await tokens.generate(ask("a"))).text).toBe("ok");
    expect(await failure(tokens.generate(ask("b")))).toMatchObject({
      code: "rate-limited",
      retryAfterMs: 12_000,
    });
  });

  it("fails a queued call at its own deadline with TimeoutError when a later charge stretches its wait past it", async () => {
    const model = scriptedModel((request) =>
      request.messages[0]?.content === "500"
        ? { text: "ok", delayMs: 1000, usage: { inputTokens: 1500, outputTokens: 0, totalTokens: 1500 } }
        : "ok",
    );
    const limited = pipe(model, rateLimit({ tokensPerMinute: 1000, estimateTokens: tokensInPrompt }));
    const first = settle(limited.generate(ask("500")));
    // 100 short: 6 s, within its 10 s deadline and the 60 s maxWaitMs.
    const second = settle(limited.generate(ask("600"), { deadline: Date.now() + 10_000 }));
    await vi.advanceTimersByTimeAsync(1000); // "500" used 1500: the wait is now far longer
    expect((await first).ok).toBe(true);
    await vi.advanceTimersByTimeAsync(9000);
    const r = await second;
    expect(!r.ok && r.error).toBeInstanceOf(TimeoutError);
    expect(model.requests).toHaveLength(1);
  });

  it("fails at once, rather than after waiting it out, when the wait would last all of maxWaitMs", async () => {
    const model = scriptedModel(["ok"]);
    const limited = pipe(model, rateLimit({ requestsPerMinute: 1, maxWaitMs: 60_000 }));
    await limited.generate(ask("a"));
    expect(await failure(limited.generate(ask("b")))).toMatchObject({
      code: "rate-limited",
      retryAfterMs: 60_000,
    });
    const patient = pipe(scriptedModel(["ok"]), rateLimit({ requestsPerMinute: 1, maxWaitMs: 60_001 }));
    await patient.generate(ask("a"));
    const waited = settle(patient.generate(ask("b")));
    await vi.advanceTimersByTimeAsync(60_000);
    const r = await waited;
    expect(r.ok && r.value.timings.queuedMs).toBe(60_000);
  });
});
