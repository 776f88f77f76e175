import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budget } from "../cost/budget.js";
import { BudgetExceededError, ProviderUnavailableError, RateLimitedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { circuitBreaker } from "../middleware/circuit-breaker.js";
import { concurrency } from "../middleware/concurrency.js";
import { rateLimit } from "../middleware/rate-limit.js";
import type { Model, ModelRequest } from "../model.js";
import { unlinkMatching } from "../node/redis-keys.js";
import { redisSharedState } from "../node/redis-shared-state.js";
import { pipe, wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { memorySharedState } from "./memory-shared-state.js";
import type { SharedState } from "./shared-state.js";

// Two replicas are two middleware instances on one store, each wrapping its own model: what
// they share is only what the store holds.

const ask = (content: string): ModelRequest => ({ messages: [{ role: "user", content }] });
const tokensInPrompt = (request: ModelRequest) => Number(request.messages[0]?.content);
/** A model whose usage is what its prompt says, so the estimate is exact and nothing is corrected. */
const usingPrompt = () =>
  scriptedModel((request) => {
    const totalTokens = tokensInPrompt(request);
    return { text: "ok", usage: { inputTokens: totalTokens, outputTokens: 0, totalTokens } };
  });
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "?",
  );

const prefix = `keel-test-limits-${process.pid}-${Math.random().toString(36).slice(2)}:`;
let client: Redis;
let n = 0;

beforeAll(async () => {
  client = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect().catch((error: Error) => {
    throw new Error(`Redis at 127.0.0.1:6379 is needed for these tests and is down: ${error.message}`);
  });
});
afterAll(async () => {
  await unlinkMatching(client, `${prefix}*`);
  client.disconnect();
});

const stores: Array<[string, () => SharedState]> = [
  ["memory", () => memorySharedState()],
  ["redis", () => redisSharedState({ client, prefix: `${prefix}${n++}:`, onUnavailable: "throw" })],
];

describe.each(stores)("limits shared through %s", (_, make) => {
  it("rateLimit: replicas draw on one requests-per-minute quota", async () => {
    const store = make();
    const replica = () =>
      pipe(scriptedModel(["ok"]), rateLimit({ requestsPerMinute: 4, maxWaitMs: 0, store }));
    const a = replica();
    const b = replica();
    const results = [];
    for (const model of [a, a, a, b, b, b]) results.push(await outcome(model.generate(ask("hi"))));
    expect(results).toEqual(["ok", "ok", "ok", "ok", "rate-limited", "rate-limited"]);
    const refused = await b.generate(ask("hi")).catch((e: RateLimitedError) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(15_000);
    expect((refused as RateLimitedError).message).toContain("shared requests-per-minute");
  });

  it("rateLimit: burstMs sizes the bucket, not the rate", async () => {
    const store = make();
    const model = pipe(
      scriptedModel(["ok"]),
      rateLimit({ requestsPerMinute: 6, burstMs: 100_000, maxWaitMs: 0, store }),
    );
    for (let i = 0; i < 10; i++) expect(await outcome(model.generate(ask("hi")))).toBe("ok");
    const refused = (await model.generate(ask("hi")).catch((e: unknown) => e)) as RateLimitedError;
    expect(refused).toBeInstanceOf(RateLimitedError);
    // 6 a minute is one every 10 s whatever the burst; refilling the 10-call bucket over a
    // minute instead would say at most 6 s.
    expect(refused.retryAfterMs).toBeGreaterThan(6_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it("rateLimit: a token estimate is corrected from usage, so another replica gets the refund", async () => {
    const store = make();
    const usage = { inputTokens: 100, outputTokens: 0, totalTokens: 100 };
    const limits = { tokensPerMinute: 1000, maxWaitMs: 0, estimateTokens: tokensInPrompt, store };
    const a = pipe(scriptedModel([{ text: "ok", usage }]), rateLimit(limits));
    const b = pipe(scriptedModel([{ text: "ok", usage }]), rateLimit(limits));
    await a.generate(ask("900"));
    // 900 estimated, 100 used: 800 come back, so b's 850 fits although 900 + 850 > 1000.
    await expect.poll(() => outcome(b.generate(ask("850"))), { timeout: 2000 }).toBe("ok");
    // b's call used 100 as well: 800 left, short of another 900.
    expect(await outcome(a.generate(ask("900")))).toBe("rate-limited");
  });

  it("rateLimit: a call short of shared capacity waits for the refill, then goes", async () => {
    const store = make();
    const hub = new EventHub();
    const waited: KeelEvent[] = [];
    hub.on((e) => e.type === "rate-limit.waited" && waited.push(e));
    // 6000 tokens a minute refill 100 a second: after the first call empties the bucket, the
    // next call's 30 tokens take about 300 ms to come back.
    const limits = { tokensPerMinute: 6000, estimateTokens: tokensInPrompt, store, events: hub };
    const a = pipe(usingPrompt(), rateLimit(limits));
    const b = pipe(usingPrompt(), rateLimit(limits));
    await a.generate(ask("6000"));
    const [first, second] = await Promise.all([b.generate(ask("30")), b.stream(ask("30")).response]);
    expect(first.timings.queuedMs).toBeGreaterThan(0);
    expect(second.timings.queuedMs).toBeGreaterThan(0);
    expect(waited).toHaveLength(2);
    expect(waited[0]).toMatchObject({ reason: "tokens" });
  });

  it("concurrency: at most max calls run across replicas; the others wait their turn", async () => {
    const store = make();
    let running = 0;
    let most = 0;
    const counted = (): Model =>
      wrapModel(scriptedModel([{ text: "ok", delayMs: 30 }]), {
        async generate(request, options) {
          running++;
          most = Math.max(most, running);
          try {
            return await scriptedModel([{ text: "ok", delayMs: 30 }]).generate(request, options);
          } finally {
            running--;
          }
        },
      });
    const limits = { max: 2, store, pollMs: 5, leaseMs: 5000 };
    const a = pipe(counted(), concurrency(limits));
    const b = pipe(counted(), concurrency(limits));
    const calls = [a, b, a, b, a, b, a, b].map((m) => m.generate(ask("hi")));
    const responses = await Promise.all(calls);
    expect(most).toBe(2);
    expect(responses.filter((r) => (r.timings.queuedMs ?? 0) > 0).length).toBeGreaterThanOrEqual(4);
    // Every lease went back: two fresh calls run side by side at once.
    const again = await Promise.all([a.generate(ask("hi")), b.generate(ask("hi"))]);
    expect(again.every((r) => !r.timings.queuedMs)).toBe(true);
  });

  it("budget: replicas spend one tenant budget per window; another tenant has its own", async () => {
    const store = make();
    const usage = { inputTokens: 20, outputTokens: 1000, totalTokens: 1020 };
    const gpt = () => scriptedModel([{ text: "done", usage }], { id: "gpt-4o", provider: "openai" });
    const limits = { limitUsd: 0.025, scope: "tenant" as const, windowMs: 3_600_000, store };
    const a = pipe(gpt(), budget(limits));
    const b = pipe(gpt(), budget(limits));
    const call = (model: Model, tenant: string) =>
      outcome(model.generate({ ...ask("Summarize the meeting."), maxOutputTokens: 1000, tenant }));
    // About $0.01 each: two fit in $0.025, the third does not, on whichever replica.
    expect([await call(a, "t1"), await call(b, "t1"), await call(a, "t1"), await call(b, "t1")]).toEqual([
      "ok",
      "ok",
      "budget-exceeded",
      "budget-exceeded",
    ]);
    expect(await call(b, "t2")).toBe("ok");
    const error = await pipe(gpt(), budget(limits))
      .generate({ ...ask("Summarize the meeting."), maxOutputTokens: 1000, tenant: "t1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toMatch(/budget "tenant:t1" of \$0.025 per 3600000 ms/);
  });

  it("budget: concurrent calls on two replicas cannot overspend together", async () => {
    const store = make();
    const usage = { inputTokens: 20, outputTokens: 1000, totalTokens: 1020 };
    const gpt = () =>
      scriptedModel([{ text: "done", usage, delayMs: 20 }], { id: "gpt-4o", provider: "openai" });
    const a = pipe(gpt(), budget({ limitUsd: 0.025, store }));
    const b = pipe(gpt(), budget({ limitUsd: 0.025, store }));
    const ask1000 = { ...ask("Summarize the meeting."), maxOutputTokens: 1000 };
    const results = await Promise.all([a, b, a, b, a, b].map((m) => outcome(m.generate(ask1000))));
    expect(results.filter((r) => r === "ok")).toHaveLength(2);
  });

  it("circuitBreaker: one replica's trip opens the circuit for all; the fleet sends one trial at a time", async () => {
    const store = make();
    let healthy = false;
    let calls = 0;
    const provider = (): Model =>
      wrapModel(scriptedModel(["ok"]), {
        async generate(request, options) {
          calls++;
          await new Promise((r) => setTimeout(r, 30));
          if (!healthy) throw new ProviderUnavailableError("503");
          return scriptedModel(["ok"]).generate(request, options);
        },
      });
    const hub = new EventHub();
    const changes: string[] = [];
    hub.on((e) => e.type === "breaker.changed" && changes.push(`${e.from}->${e.to}`));
    const options = { failureThreshold: 3, cooldownMs: 300, pollMs: 20, store, events: hub };
    const a = pipe(provider(), circuitBreaker(options));
    const b = pipe(provider(), circuitBreaker(options));
    expect(await outcome(b.generate(ask("hi")))).toBe("provider-unavailable");
    for (let i = 0; i < 2; i++) expect(await outcome(a.generate(ask("hi")))).toBe("provider-unavailable");
    // b's failure and a's two make three in a row: the shared circuit opens.
    await expect.poll(() => outcome(a.generate(ask("hi"))), { timeout: 2000 }).toBe("circuit-open");
    await expect.poll(() => outcome(b.generate(ask("hi"))), { timeout: 2000 }).toBe("circuit-open");
    const sent = calls;
    expect(sent).toBe(3);
    await new Promise((r) => setTimeout(r, 350));
    healthy = true;
    // After the cooldown both replicas try at once: one trial goes out, the others are refused.
    const trials = await Promise.all([a, b, a, b].map((m) => outcome(m.generate(ask("hi")))));
    expect(trials.filter((t) => t === "ok")).toHaveLength(1);
    expect(trials.filter((t) => t === "circuit-open")).toHaveLength(3);
    expect(calls).toBe(sent + 1);
    await expect.poll(() => outcome(b.generate(ask("hi"))), { timeout: 2000 }).toBe("ok");
    expect(changes).toContain("closed->open");
    expect(changes).toContain("half-open->closed");
  });

  it("circuitBreaker: a failure-rate circuit counts the outcomes of every replica", async () => {
    const store = make();
    let n = 0;
    const provider = () =>
      wrapModel(scriptedModel(["ok"]), {
        async generate(request, options) {
          if (n++ % 2 === 1) throw new ProviderUnavailableError("503");
          return scriptedModel(["ok"]).generate(request, options);
        },
      });
    const options = {
      failureRate: { threshold: 0.5, minimumCalls: 6, windowMs: 60_000 },
      cooldownMs: 60_000,
      pollMs: 10,
      store,
    };
    const a = pipe(provider(), circuitBreaker(options));
    const b = pipe(provider(), circuitBreaker(options));
    const results: string[] = [];
    for (let i = 0; i < 12 && !results.includes("circuit-open"); i++) {
      results.push(await outcome((i % 2 ? b : a).generate(ask("hi"))));
      await new Promise((r) => setTimeout(r, 15)); // outcomes are written off the call's path
    }
    // Each replica alone saw three calls at most when the sixth (half of them failed) opened it.
    expect(results.slice(0, 6)).toEqual([
      "ok",
      "provider-unavailable",
      "ok",
      "provider-unavailable",
      "ok",
      "provider-unavailable",
    ]);
    expect(results[6]).toBe("circuit-open");
  });
});

describe("rateLimit in this process", () => {
  it("burstMs sizes the bucket, not the rate", async () => {
    const model = pipe(
      scriptedModel(["ok"]),
      rateLimit({ requestsPerMinute: 600, burstMs: 6_000, maxWaitMs: 0 }),
    );
    for (let i = 0; i < 60; i++) expect(await outcome(model.generate(ask("hi")))).toBe("ok");
    const refused = (await model.generate(ask("hi")).catch((e: unknown) => e)) as RateLimitedError;
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
  });

  it("refuses a call bigger than one burst of tokens with InvalidRequestError", async () => {
    const model = pipe(
      scriptedModel(["ok"]),
      rateLimit({ tokensPerMinute: 6_000, burstMs: 6_000, estimateTokens: tokensInPrompt }),
    );
    await expect(model.generate(ask("601"))).rejects.toThrow(/more than the 600 a burst of 6000 ms allows/);
    expect(() => rateLimit({ requestsPerMinute: 1, burstMs: 0 })).toThrow(/burstMs/);
  });
});
