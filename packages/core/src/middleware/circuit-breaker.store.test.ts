import { afterEach, describe, expect, it, vi } from "vitest";
import { OverloadedError } from "../errors.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { memorySharedState } from "../shared-state/memory-shared-state.js";
import type { SharedState } from "../shared-state/shared-state.js";
import { scriptedModel } from "../testing/index.js";
import { circuitBreaker } from "./circuit-breaker.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };
const busy = () => new OverloadedError("529 overloaded");
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "?",
  );

/** A memory store that records the keys of the circuit records it is asked for. */
function watchedStore() {
  const store = memorySharedState();
  const reads: string[] = [];
  const watched = new Proxy(store, {
    get(target, property) {
      if (property === "readRecord")
        return (key: string) => {
          reads.push(key);
          return target.readRecord(key);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as SharedState;
  return { store: watched, reads };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("circuit breaker with a shared store", () => {
  it("names each circuit <key>:<provider>:<model id>, with the key 'breaker' by default", async () => {
    const { store, reads } = watchedStore();
    const inner = scriptedModel(["ok"], { id: "gpt-x", provider: "openai" });
    await pipe(inner, circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, store })).generate(request);
    await pipe(inner, circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, store, key: "eu" })).generate(
      request,
    );
    expect([...new Set(reads)]).toEqual(["breaker:openai:gpt-x", "eu:openai:gpt-x"]);
  });

  it("keeps one circuit per model and key: another model, or the same model under another key, stays closed", async () => {
    const store = memorySharedState();
    const failing = pipe(
      scriptedModel([busy()], { id: "a" }),
      circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store }),
    );
    const other = pipe(
      scriptedModel(["ok"], { id: "b" }),
      circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store }),
    );
    const sameUnderOtherKey = pipe(
      scriptedModel(["ok"], { id: "a" }),
      circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store, key: "other" }),
    );
    const sameUnderDefaultKey = pipe(
      scriptedModel(["ok"], { id: "a" }),
      circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store, key: "breaker" }),
    );
    expect(await outcome(failing.generate(request))).toBe("overloaded");
    expect(await outcome(failing.generate(request))).toBe("circuit-open");
    expect(await outcome(other.generate(request))).toBe("ok");
    expect(await outcome(sameUnderOtherKey.generate(request))).toBe("ok");
    expect(await outcome(sameUnderDefaultKey.generate(request))).toBe("circuit-open");
  });

  it("rereads a circuit it is not changing at most once a second by default", async () => {
    vi.useFakeTimers();
    const { store, reads } = watchedStore();
    const model = pipe(
      scriptedModel(["ok"]),
      circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, store }),
    );
    for (let i = 0; i < 3; i++) expect(await outcome(model.generate(request))).toBe("ok");
    expect(reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    await model.generate(request);
    expect(reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await model.generate(request);
    expect(reads).toHaveLength(2);
  });

  it("lets another trial take over a half-open slot held 60 s by default (a replica that died mid-trial)", async () => {
    vi.useFakeTimers();
    const store = memorySharedState();
    const inner = scriptedModel((_req, call) => (call === 0 ? busy() : { text: "ok", delayMs: 3_600_000 }));
    const options = { failureThreshold: 1, cooldownMs: 1_000, store, pollMs: 1 };
    const model = pipe(inner, circuitBreaker(options));
    expect(await outcome(model.generate(request))).toBe("overloaded");
    await vi.advanceTimersByTimeAsync(1_000);
    const stuck = new AbortController();
    const trial = outcome(model.generate(request, { signal: stuck.signal }));
    await vi.advanceTimersByTimeAsync(1);
    expect(inner.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(59_990);
    expect(await outcome(model.generate(request))).toBe("circuit-open");
    await vi.advanceTimersByTimeAsync(10);
    const takeover = new AbortController();
    const second = outcome(model.generate(request, { signal: takeover.signal }));
    await vi.advanceTimersByTimeAsync(1);
    expect(inner.requests).toHaveLength(3);
    stuck.abort();
    takeover.abort();
    expect([await trial, await second]).toEqual(["aborted", "aborted"]);
  });

  it("has written the failure that opens the circuit by the time the failing call settles", async () => {
    // A store whose writes take a while, as a remote one's do.
    const store = memorySharedState();
    const slowStore = new Proxy(store, {
      get(target, property) {
        if (property === "writeRecord")
          return async (...args: Parameters<SharedState["writeRecord"]>) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return target.writeRecord(...args);
          };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as SharedState;
    const inner = scriptedModel([busy(), "never"]);
    const model = pipe(inner, circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store: slowStore }));
    expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(await outcome(model.generate(request))).toBe("circuit-open");
    const streamed = scriptedModel([{ events: [{ type: "fail", error: busy() }] }, "never"], { id: "s" });
    const streaming = pipe(
      streamed,
      circuitBreaker({ failureThreshold: 1, cooldownMs: 60_000, store: slowStore }),
    );
    expect(await outcome(streaming.stream(request).response)).toBe("overloaded");
    expect(await outcome(streaming.stream(request).response)).toBe("circuit-open");
    expect([inner.requests.length, streamed.requests.length]).toEqual([1, 1]);
  });
});
