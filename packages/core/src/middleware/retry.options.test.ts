import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OverloadedError, RateLimitedError } from "../errors.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain } from "./__fixtures__/harness.js";
import { retry } from "./retry.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("retry options", () => {
  it("names the middleware and the option a bad value was given for", () => {
    for (const name of ["baseDelayMs", "maxDelayMs", "maxTotalMs", "maxRetryAfterMs"] as const) {
      expect(() => retry({ [name]: -1 }), name).toThrow(`retry: option \`${name}\` must be a number >= 0`);
    }
  });

  it("gives up by default when the provider asks for a wait above one minute", async () => {
    const limited = new RateLimitedError("429", { retryAfterMs: 60_001 });
    const model = scriptedModel([limited, "ok"]);
    await expect(pipe(model, retry()).generate(req)).rejects.toBe(limited);
    expect(model.requests).toHaveLength(1);
  });
});

describe("retry: a retried stream's timings", () => {
  it("counts the failed attempt and the wait in the stream's total and first-token times", async () => {
    const busy = new OverloadedError("busy");
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 300 },
          { type: "fail", error: busy },
        ],
      },
      { text: "ok", delayMs: 50 },
    ]);
    const stream = pipe(model, retry({ baseDelayMs: 100, random: () => 1 })).stream(req);
    const done = drain(stream);
    await vi.runAllTimersAsync();
    expect((await done).error).toBeUndefined();
    const { timings } = await stream.response;
    expect(timings.totalMs).toBe(300 + 100 + 50);
    expect(timings.timeToFirstTokenMs).toBe(300 + 100 + 50);
  });
});
