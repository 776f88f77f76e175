import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  CircuitOpenError,
  InvalidRequestError,
  OverloadedError,
  ProviderUnavailableError,
  RateLimitedError,
} from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { ModelRequest } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { circuitBreaker, isHealthFailure } from "./circuit-breaker.js";
import { fallback } from "./fallback.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };
const busy = () => new OverloadedError("529 overloaded");

/** A clock the test moves by hand. */
function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function transitions(hub: EventHub): string[] {
  const seen: string[] = [];
  hub.on((e: KeelEvent) => {
    if (e.type === "breaker.changed") seen.push(`${e.from}->${e.to}`);
  });
  return seen;
}

/** Runs a call and says how it ended: "ok", or the error code. */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "?",
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe("circuitBreaker", () => {
  it("opens after failureThreshold consecutive failures and then fails fast without calling the model", async () => {
    const time = clock();
    const hub = new EventHub();
    const seen = transitions(hub);
    const inner = scriptedModel([busy(), busy(), busy(), "never"]);
    const breaker = circuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: time.now, events: hub });
    const model = pipe(inner, breaker);

    for (let i = 0; i < 3; i++) expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(breaker.state(model)).toBe("open");
    time.advance(4_000);
    const rejected = await model.generate(request).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect((rejected as CircuitOpenError).retryable).toBe(true);
    expect((rejected as CircuitOpenError).retryAfterMs).toBe(6_000);
    expect((rejected as CircuitOpenError).message).toBe(
      "the circuit for scripted is open; next trial in 6000 ms",
    );
    expect(inner.requests).toHaveLength(3);
    expect(seen).toEqual(["closed->open"]);
  });

  it("forgets failures after a success", async () => {
    const inner = scriptedModel([busy(), busy(), "ok", busy(), busy(), "ok"]);
    const breaker = circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    const model = pipe(inner, breaker);
    for (let i = 0; i < 6; i++) await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("closed");
  });

  it("does not count errors about the request or the caller", async () => {
    const inner = scriptedModel([new InvalidRequestError("bad"), new AbortedError("stop")]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("closed");
  });

  it("does not count a call whose caller aborted", async () => {
    const inner = scriptedModel([{ text: "slow", delayMs: 60_000 }]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const model = pipe(inner, breaker);
    const controller = new AbortController();
    const call = model.generate(request, { signal: controller.signal });
    controller.abort();
    expect(await outcome(call)).toBe("aborted");
    expect(breaker.state(model)).toBe("closed");
  });

  it("does not count a call whose deadline passed, generate or stream", async () => {
    vi.useFakeTimers();
    const inner = scriptedModel([{ text: "slow", delayMs: 60_000 }]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const model = pipe(inner, breaker);
    const generated = outcome(model.generate(request, { deadline: Date.now() + 1_000 }));
    const streamed = outcome(model.stream(request, { deadline: Date.now() + 1_000 }).response);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await generated).toBe("timeout");
    expect(await streamed).toBe("timeout");
    expect(inner.requests).toHaveLength(2);
    expect(breaker.state(model)).toBe("closed");
  });

  it("frees only its own slot when a half-open trial stream fails for a reason about the request", async () => {
    const time = clock();
    const inner = scriptedModel((_req, call) => {
      if (call === 0) return busy();
      if (call === 1) return new InvalidRequestError("bad");
      return { text: "slow", delayMs: 60_000 };
    });
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: time.now });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    time.advance(1_000);
    expect(await outcome(model.stream(request).response)).toBe("invalid-request");
    expect(breaker.state(model)).toBe("half-open");
    const controller = new AbortController();
    const trial = outcome(model.generate(request, { signal: controller.signal }));
    expect(await outcome(model.generate(request))).toBe("circuit-open");
    expect(inner.requests).toHaveLength(3);
    controller.abort();
    expect(await trial).toBe("aborted");
  });

  it("lets isFailure decide what counts", async () => {
    const inner = scriptedModel([new InvalidRequestError("bad")]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, isFailure: () => true });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("open");
  });

  it("goes half-open after the cooldown; a successful trial closes it", async () => {
    const time = clock();
    const hub = new EventHub();
    const seen = transitions(hub);
    const inner = scriptedModel([busy(), "recovered"]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 5_000, now: time.now, events: hub });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    time.advance(4_999);
    expect(breaker.state(model)).toBe("open");
    time.advance(1);
    expect(breaker.state(model)).toBe("half-open");
    expect((await model.generate(request)).text).toBe("recovered");
    expect(breaker.state(model)).toBe("closed");
    expect(seen).toEqual(["closed->open", "open->half-open", "half-open->closed"]);
  });

  it("reopens when the half-open trial fails, for a fresh cooldown", async () => {
    const time = clock();
    const hub = new EventHub();
    const seen = transitions(hub);
    const inner = scriptedModel([busy(), new ProviderUnavailableError("503"), "ok"]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 5_000, now: time.now, events: hub });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    time.advance(5_000);
    expect(await outcome(model.generate(request))).toBe("provider-unavailable");
    expect(breaker.state(model)).toBe("open");
    time.advance(4_000);
    expect(await outcome(model.generate(request))).toBe("circuit-open");
    time.advance(1_000);
    expect(await outcome(model.generate(request))).toBe("ok");
    expect(seen).toEqual([
      "closed->open",
      "open->half-open",
      "half-open->open",
      "open->half-open",
      "half-open->closed",
    ]);
  });

  it("lets at most halfOpenMaxCalls trials through at once", async () => {
    vi.useFakeTimers();
    const inner = scriptedModel((_req, call) => (call === 0 ? busy() : { text: "ok", delayMs: 1_000 }));
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 5_000, halfOpenMaxCalls: 2 });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    vi.advanceTimersByTime(5_000);
    const calls = [1, 2, 3].map(() => outcome(model.generate(request)));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await Promise.all(calls)).toEqual(["ok", "ok", "circuit-open"]);
    expect(inner.requests).toHaveLength(3);
    expect(breaker.state(model)).toBe("closed");
  });

  it("ignores the outcome of slow calls that started before the circuit opened", async () => {
    vi.useFakeTimers();
    const inner = scriptedModel((_req, call) => {
      if (call === 0) return { text: "late", delayMs: 10_000 };
      if (call === 1)
        return {
          events: [
            { type: "pause", ms: 8_000 },
            { type: "fail", error: busy() },
          ],
        };
      return busy();
    });
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 5_000 });
    const model = pipe(inner, breaker);
    const slowSuccess = outcome(model.generate(request));
    const slowFailure = outcome(model.generate(request));
    await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("open");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(breaker.state(model)).toBe("half-open");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await slowFailure).toBe("overloaded");
    expect(breaker.state(model)).toBe("half-open");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await slowSuccess).toBe("ok");
    expect(breaker.state(model)).toBe("half-open");
  });

  it("counts a stream that throws as a failure and one that ends as a success", async () => {
    const time = clock();
    const inner = scriptedModel([
      {
        events: [
          { type: "text-delta", text: "par" },
          { type: "fail", error: busy() },
        ],
      },
      "whole",
    ]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: time.now });
    const model = pipe(inner, breaker);
    await expect(model.stream(request).response).rejects.toBeInstanceOf(OverloadedError);
    expect(breaker.state(model)).toBe("open");
    await expect(model.stream(request).response).rejects.toBeInstanceOf(CircuitOpenError);
    time.advance(1_000);
    expect((await model.stream(request).response).text).toBe("whole");
    expect(breaker.state(model)).toBe("closed");
  });

  it("does not count a stream the consumer abandons, and frees its half-open slot", async () => {
    const time = clock();
    const inner = scriptedModel([busy(), { text: "a long answer", chunkSize: 2 }]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: time.now });
    const model = pipe(inner, breaker);
    await outcome(model.generate(request));
    time.advance(1_000);
    for await (const e of model.stream(request)) if (e.type === "text-delta") break;
    expect(breaker.state(model)).toBe("half-open");
    // The abandoned trial released its slot, so the next trial is let through.
    expect(await outcome(model.generate(request))).toBe("ok");
  });

  it("keeps one circuit per wrapped model", async () => {
    const failing = scriptedModel([busy()], { id: "a" });
    const healthy = scriptedModel(["ok"], { id: "b" });
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const a = pipe(failing, breaker);
    const b = pipe(healthy, breaker);
    await outcome(a.generate(request));
    await outcome(b.generate(request));
    expect(breaker.state("a")).toBe("open");
    expect(breaker.state("b")).toBe("closed");
    expect(() => breaker.state("c")).toThrow(/no model called c/);
    expect(() => breaker.state(scriptedModel(["x"], { id: "unwrapped" }))).toThrow(
      /no model called unwrapped/,
    );
    pipe(scriptedModel(["x"], { id: "a" }), breaker);
    expect(() => breaker.state("a")).toThrow(/several wrapped models/);
    expect(breaker.state(a)).toBe("open");
  });

  it("makes fallback move on while the circuit is open", async () => {
    const primary = scriptedModel([busy()], { id: "primary", provider: "openai" });
    const backup = scriptedModel(["backup"], { id: "backup", provider: "anthropic" });
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const model = pipe(pipe(primary, breaker), fallback([backup]));
    await model.generate(request);
    const response = await model.generate(request);
    expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: "circuit-open" }]);
    expect(primary.requests).toHaveLength(1);
  });

  it("keeps what inner middleware put on a stream's response", async () => {
    const primary = scriptedModel([busy()], { id: "primary", provider: "openai" });
    const backup = scriptedModel(["backup"], { id: "backup", provider: "anthropic" });
    const model = pipe(
      pipe(primary, fallback([backup])),
      circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 }),
    );
    const response = await model.stream(request).response;
    expect(response.text).toBe("backup");
    expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: "overloaded" }]);
  });

  it("does not let successes of calls that started before the latest failure reset the count", async () => {
    // Ten calls go out while the provider is healthy and answer slowly; then it starts failing
    // fast. Each old success lands between two new failures.
    const held: Array<() => void> = [];
    let healthy = true;
    const inner = wrapModel(scriptedModel(["ok"]), {
      generate: () =>
        healthy
          ? new Promise((resolve) => held.push(() => resolve(scriptedModel(["ok"]).generate(request))))
          : Promise.reject(new ProviderUnavailableError("503")),
    });
    const breaker = circuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 });
    const model = pipe(inner, breaker);
    const slow = Array.from({ length: 10 }, () => outcome(model.generate(request)));
    healthy = false;
    let failuresSent = 0;
    while (breaker.state(model) === "closed" && failuresSent < 20) {
      expect(await outcome(model.generate(request))).toBe("provider-unavailable");
      failuresSent++;
      const landed = slow[failuresSent - 1];
      held.shift()?.();
      if (landed) expect(await landed).toBe("ok");
    }
    expect(failuresSent).toBe(5);
    for (const resolve of held.splice(0)) resolve();
    expect(await Promise.all(slow)).toEqual(Array(10).fill("ok"));
    expect(breaker.state(model)).toBe("open");
  });

  it("still forgets failures after a success of a call that started after them", async () => {
    const inner = scriptedModel([busy(), busy(), "ok", busy(), busy(), "ok"]);
    const breaker = circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    const model = pipe(inner, breaker);
    for (let i = 0; i < 6; i++) await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("closed");
  });

  it("failure-rate mode opens when the failing share of a rolling window's calls reaches the threshold", async () => {
    const time = clock();
    const hub = new EventHub();
    const seen = transitions(hub);
    // Every other call fails: never 3 in a row, but half of them.
    const inner = scriptedModel((_req, call) => (call % 2 === 0 ? "ok" : busy()));
    const breaker = circuitBreaker({
      failureRate: { threshold: 0.5, minimumCalls: 10, windowMs: 60_000 },
      cooldownMs: 10_000,
      now: time.now,
      events: hub,
    });
    const model = pipe(inner, breaker);
    for (let i = 0; i < 9; i++) {
      await outcome(model.generate(request));
      time.advance(1_000);
    }
    // 9 calls, 4 failed: below minimumCalls, still closed.
    expect(breaker.state(model)).toBe("closed");
    expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(breaker.state(model)).toBe("open");
    expect(seen).toEqual(["closed->open"]);
    expect(await outcome(model.generate(request))).toBe("circuit-open");
  });

  it("failure-rate mode counts successes in the share", async () => {
    const time = clock();
    const inner = scriptedModel(["ok", "ok", "ok", busy(), busy(), busy()]);
    const breaker = circuitBreaker({
      failureRate: { threshold: 0.5, minimumCalls: 4, windowMs: 60_000 },
      cooldownMs: 10_000,
      now: time.now,
    });
    const model = pipe(inner, breaker);
    for (let i = 0; i < 5; i++) await outcome(model.generate(request));
    // 2 of 5 failing.
    expect(breaker.state(model)).toBe("closed");
    expect(await outcome(model.generate(request))).toBe("overloaded");
    // 3 of 6.
    expect(breaker.state(model)).toBe("open");
  });

  it("failure-rate mode forgets calls that left the window", async () => {
    const time = clock();
    const inner = scriptedModel((_req, call) => (call < 6 || call >= 10 ? busy() : "ok"));
    const breaker = circuitBreaker({
      failureRate: { threshold: 0.5, minimumCalls: 10, windowMs: 10_000 },
      cooldownMs: 10_000,
      now: time.now,
    });
    const model = pipe(inner, breaker);
    for (let i = 0; i < 6; i++) await outcome(model.generate(request));
    time.advance(11_000);
    // The six failures left the window: four successes make 0 of 4 failing.
    for (let i = 0; i < 4; i++) expect(await outcome(model.generate(request))).toBe("ok");
    let failures = 0;
    while (breaker.state(model) === "closed" && failures < 20) {
      await outcome(model.generate(request));
      failures++;
    }
    // 6 of 10 failing: had the old six still counted, the first failure would have opened it.
    expect(failures).toBe(6);
  });

  it("rejects bad options", () => {
    expect(() => circuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow(InvalidRequestError);
    expect(() => circuitBreaker({ cooldownMs: 1 })).toThrow(/failureThreshold.*failureRate/);
    expect(() =>
      circuitBreaker({ failureRate: { threshold: 1.5, minimumCalls: 1, windowMs: 1000 }, cooldownMs: 1 }),
    ).toThrow(/failureRate.threshold/);
    expect(() =>
      circuitBreaker({ failureRate: { threshold: 0.5, minimumCalls: 0, windowMs: 1000 }, cooldownMs: 1 }),
    ).toThrow(/failureRate.minimumCalls/);
    expect(() => circuitBreaker({ failureThreshold: 1, cooldownMs: -1 })).toThrow(/cooldownMs/);
    expect(() => circuitBreaker({ failureThreshold: 1, cooldownMs: 1, halfOpenMaxCalls: 0.5 })).toThrow(
      /halfOpenMaxCalls/,
    );
  });

  it("names the option that is out of range, and accepts the edges of each range", () => {
    const rate = { threshold: 0.5, minimumCalls: 1, windowMs: 1_000 };
    const bad: Array<[string, Parameters<typeof circuitBreaker>[0]]> = [
      ["failureThreshold", { failureThreshold: 1.5, cooldownMs: 1 }],
      ["failureRate.threshold", { failureRate: { ...rate, threshold: 0 }, cooldownMs: 1 }],
      ["failureRate.minimumCalls", { failureRate: { ...rate, minimumCalls: 1.5 }, cooldownMs: 1 }],
      ["failureRate.windowMs", { failureRate: { ...rate, windowMs: 0 }, cooldownMs: 1 }],
      ["failureRate.windowMs", { failureRate: { ...rate, windowMs: -1 }, cooldownMs: 1 }],
      ["pollMs", { failureThreshold: 1, cooldownMs: 1, pollMs: 0 }],
      ["pollMs", { failureThreshold: 1, cooldownMs: 1, pollMs: -1 }],
      ["trialLeaseMs", { failureThreshold: 1, cooldownMs: 1, trialLeaseMs: 0 }],
      ["trialLeaseMs", { failureThreshold: 1, cooldownMs: 1, trialLeaseMs: -1 }],
      ["cooldownMs", { failureThreshold: 1, cooldownMs: Number.NaN }],
      ["halfOpenMaxCalls", { failureThreshold: 1, cooldownMs: 1, halfOpenMaxCalls: 1.5 }],
    ];
    for (const [name, options] of bad) {
      const thrown = (() => {
        try {
          circuitBreaker(options);
        } catch (error) {
          return error;
        }
      })();
      expect(thrown, name).toBeInstanceOf(InvalidRequestError);
      expect((thrown as Error).message, name).toMatch(new RegExp(`^circuitBreaker: option \`${name}\``));
    }
    for (const threshold of [1, 0.001])
      expect(() => circuitBreaker({ failureRate: { ...rate, threshold }, cooldownMs: 0 })).not.toThrow();
    expect(() => circuitBreaker({ failureRate: { ...rate, minimumCalls: 2 }, cooldownMs: 0 })).not.toThrow();
  });
});

describe("isHealthFailure", () => {
  it("counts availability errors, not request errors or an inner open circuit", () => {
    expect(isHealthFailure(new RateLimitedError("429"))).toBe(true);
    expect(isHealthFailure(new ProviderUnavailableError("503"))).toBe(true);
    // Unavailable even when not worth retrying at once (a provider taken offline, say).
    expect(isHealthFailure(new ProviderUnavailableError("gone", { retryable: false }))).toBe(true);
    expect(isHealthFailure(new InvalidRequestError("400"))).toBe(false);
    expect(isHealthFailure(new AbortedError("stop"))).toBe(false);
    expect(isHealthFailure(new CircuitOpenError("open"))).toBe(false);
  });
});
