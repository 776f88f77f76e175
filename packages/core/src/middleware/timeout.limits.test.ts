import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimeoutError } from "../errors.js";
import type { StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain, recordEvents } from "./__fixtures__/harness.js";
import { timeout } from "./timeout.js";

const req = { messages: [{ role: "user" as const, content: "hi" }] };
const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("timeout: the first-token limit ends with the first content", () => {
  it("lets a stream that started in time run well past firstTokenMs", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 50 },
          { type: "text-delta", text: "early " },
          { type: "pause", ms: 400 },
          { type: "text-delta", text: "and long" },
        ],
      },
    ]);
    const stream = pipe(model, timeout({ firstTokenMs: 100, events: hub })).stream(req);
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(450);
    const { seen, error } = await done;
    expect(error).toBeUndefined();
    expect(textOf(seen)).toBe("early and long");
    expect(of("timeout.fired")).toEqual([]);
  });
});

describe("timeout: a shorter stream limit still fires when `ms` is set", () => {
  it("fires the first-token limit before a longer total limit", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([{ text: "late", delayMs: 5000 }]);
    const done = drain(pipe(model, timeout({ ms: 1000, firstTokenMs: 100, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(99);
    expect(of("timeout.fired")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { error } = await done;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.message).toMatch(/no content within 100 ms/);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 100, limit: "first-token" }]);
  });

  it("fires the idle limit before a longer total limit, counted from the last event", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([
      {
        events: [
          { type: "pause", ms: 150 },
          { type: "text-delta", text: "a" },
          { type: "pause", ms: 5000 },
          { type: "text-delta", text: "b" },
        ],
      },
    ]);
    const done = drain(pipe(model, timeout({ ms: 1000, idleMs: 200, events: hub })).stream(req));
    await vi.advanceTimersByTimeAsync(349);
    expect(of("timeout.fired")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const { seen, error } = await done;
    expect(error?.message).toMatch(/stalled: no event for 200 ms/);
    expect(textOf(seen)).toBe("a");
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 200, limit: "idle" }]);
  });

  it("fires the total limit when it comes before the stream limits", async () => {
    const { hub, of } = recordEvents();
    const model = scriptedModel([{ text: "late", delayMs: 5000 }]);
    const done = drain(
      pipe(model, timeout({ ms: 100, firstTokenMs: 300, idleMs: 300, events: hub })).stream(req),
    );
    await vi.advanceTimersByTimeAsync(100);
    const { error } = await done;
    expect(error?.message).toMatch(/did not finish within 100 ms/);
    expect(of("timeout.fired")).toMatchObject([{ afterMs: 100, limit: "total" }]);
  });
});
