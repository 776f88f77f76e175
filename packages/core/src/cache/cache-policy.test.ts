import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError } from "../errors.js";
import type { ModelRequest, ModelResponse } from "../model.js";
import {
  CACHE_CONTROL_KEY,
  CACHE_THRESHOLD_KEY,
  cacheMode,
  callThreshold,
  fromCached,
  toCached,
} from "./cache-policy.js";

afterEach(() => {
  vi.useRealTimers();
});

const withMetadata = (metadata?: Record<string, unknown>): ModelRequest =>
  ({ messages: [{ role: "user", content: "hi" }], ...(metadata ? { metadata } : {}) }) as ModelRequest;

describe("cacheMode", () => {
  it('reads "use" (also the default), "bypass" and "refresh" from the request metadata', () => {
    expect(CACHE_CONTROL_KEY).toBe("keel.cache");
    expect(cacheMode(withMetadata())).toBe("use");
    expect(cacheMode(withMetadata({ [CACHE_CONTROL_KEY]: "use" }))).toBe("use");
    expect(cacheMode(withMetadata({ [CACHE_CONTROL_KEY]: "bypass" }))).toBe("bypass");
    expect(cacheMode(withMetadata({ [CACHE_CONTROL_KEY]: "refresh" }))).toBe("refresh");
    expect(() => cacheMode(withMetadata({ [CACHE_CONTROL_KEY]: "skip" }))).toThrow(
      new InvalidRequestError('metadata["keel.cache"] must be "use", "bypass" or "refresh", got "skip"'),
    );
  });
});

describe("callThreshold", () => {
  it("is the cache's floor unless the call asks for a stricter one, up to 1", () => {
    expect(CACHE_THRESHOLD_KEY).toBe("keel.cache.threshold");
    expect(callThreshold(withMetadata(), 0.9)).toBe(0.9);
    expect(callThreshold(withMetadata({ [CACHE_THRESHOLD_KEY]: 0.95 }), 0.9)).toBe(0.95);
    expect(callThreshold(withMetadata({ [CACHE_THRESHOLD_KEY]: "0.9" }), 0.9)).toBe(0.9);
    expect(callThreshold(withMetadata({ [CACHE_THRESHOLD_KEY]: 1 }), 0.9)).toBe(1);
  });

  it("refuses a looser, out-of-range or non-numeric per-call threshold, saying why", () => {
    for (const raw of [0.8, 1.01, "high"])
      expect(() => callThreshold(withMetadata({ [CACHE_THRESHOLD_KEY]: raw }), 0.9)).toThrow(
        `metadata["keel.cache.threshold"] must be a number between the cache's threshold 0.9 and 1 ` +
          `(a call may only tighten it), got "${raw}"`,
      );
  });
});

describe("toCached and fromCached", () => {
  it("stores the answer without its payload and timings, and serves a private copy timed from the lookup", () => {
    vi.useFakeTimers({ now: 10_000 });
    const response = {
      content: [{ type: "text", text: "hi" }],
      text: "hi",
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      finishReason: "stop",
      provider: "p",
      model: { requested: "m" },
      timings: { totalMs: 900 },
      raw: { big: true },
      cached: false,
    } as ModelResponse;
    const stored = toCached(response);
    expect(stored).not.toHaveProperty("raw");
    expect(stored).not.toHaveProperty("timings");
    expect(stored).not.toHaveProperty("cached");
    const served = fromCached(stored, 9_975);
    expect(served.cached).toBe(true);
    expect(served.timings).toEqual({ totalMs: 25 });
    expect(served.text).toBe("hi");
    // The caller's copy is its own: changing it leaves the stored answer as it was.
    (served.content[0] as { text: string }).text = "changed";
    expect((stored.content[0] as { text: string }).text).toBe("hi");
  });
});
