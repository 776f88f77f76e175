import { describe, expect, it } from "vitest";
import type { ModelResponse } from "../model.js";
import { delayedBy, forwardedResponse, withQueuedMs } from "./queue-timings.js";

const response = (timings: ModelResponse["timings"], extra: Partial<ModelResponse> = {}): ModelResponse => ({
  content: [{ type: "text", text: "ok" }],
  text: "ok",
  toolCalls: [],
  finishReason: "stop",
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  provider: "test",
  model: { requested: "m" },
  timings,
  ...extra,
});

describe("delayedBy", () => {
  it("adds the caller's earlier wait to the total and first-token times, keeping the rest", () => {
    const original = response({ totalMs: 100, timeToFirstTokenMs: 40, queuedMs: 7 });
    const delayed = delayedBy(original, 25);
    expect(delayed.timings).toEqual({ totalMs: 125, timeToFirstTokenMs: 65, queuedMs: 7 });
    expect(delayed.text).toBe("ok");
    // The original is left as it was.
    expect(original.timings).toEqual({ totalMs: 100, timeToFirstTokenMs: 40, queuedMs: 7 });
  });

  it("adds no first-token time to a response that had none", () => {
    const delayed = delayedBy(response({ totalMs: 100 }), 25);
    expect(delayed.timings).toEqual({ totalMs: 125 });
    expect("timeToFirstTokenMs" in delayed.timings).toBe(false);
  });

  it("returns the response untouched when there was no earlier wait", () => {
    const original = response({ totalMs: 100 });
    expect(delayedBy(original, 0)).toBe(original);
    expect(delayedBy(original, -5)).toBe(original);
  });
});

describe("withQueuedMs", () => {
  it("records the queue wait, summing with queue time reported from further in", () => {
    expect(withQueuedMs(response({ totalMs: 100 }), 30).timings).toEqual({ totalMs: 100, queuedMs: 30 });
    const nested = withQueuedMs(response({ totalMs: 100, queuedMs: 12 }, { text: "inner" }), 30);
    expect(nested.timings).toEqual({ totalMs: 100, queuedMs: 42 });
    expect(nested.text).toBe("inner");
  });
});

describe("forwardedResponse", () => {
  it("is the outer response when the inner model reported none", () => {
    const outer = response({ totalMs: 100 });
    expect(forwardedResponse(outer, undefined)).toBe(outer);
  });

  it("keeps the inner response's content and queue time but the outer timings", () => {
    const outer = response({ totalMs: 300, timeToFirstTokenMs: 50 }, { text: "from events" });
    const inner = response(
      { totalMs: 120, timeToFirstTokenMs: 20, queuedMs: 9 },
      { text: "inner", cached: true },
    );
    const forwarded = forwardedResponse(outer, inner);
    expect(forwarded.text).toBe("inner");
    expect(forwarded.cached).toBe(true);
    expect(forwarded.timings).toEqual({ totalMs: 300, timeToFirstTokenMs: 50, queuedMs: 9 });
  });

  it("adds no queue time when the inner model waited in no queue", () => {
    const forwarded = forwardedResponse(response({ totalMs: 300 }), response({ totalMs: 120 }));
    expect(forwarded.timings).toEqual({ totalMs: 300 });
    expect("queuedMs" in forwarded.timings).toBe(false);
  });
});
