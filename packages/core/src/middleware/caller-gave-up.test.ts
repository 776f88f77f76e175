import { afterEach, describe, expect, it, vi } from "vitest";
import { callerGaveUp } from "./caller-gave-up.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("callerGaveUp", () => {
  it("is false without options, with an open signal, or before the deadline", () => {
    vi.useFakeTimers({ now: 1_000 });
    expect(callerGaveUp(undefined)).toBe(false);
    expect(callerGaveUp({})).toBe(false);
    expect(callerGaveUp({ signal: new AbortController().signal })).toBe(false);
    expect(callerGaveUp({ deadline: 1_001 })).toBe(false);
  });

  it("is true once the caller's signal has aborted, even with no deadline or a distant one", () => {
    const controller = new AbortController();
    controller.abort();
    expect(callerGaveUp({ signal: controller.signal })).toBe(true);
    expect(callerGaveUp({ signal: controller.signal, deadline: Date.now() + 60_000 })).toBe(true);
  });

  it("is true from the very millisecond the deadline is reached", () => {
    vi.useFakeTimers({ now: 5_000 });
    expect(callerGaveUp({ deadline: 5_000 })).toBe(true);
    expect(callerGaveUp({ deadline: 4_000, signal: new AbortController().signal })).toBe(true);
  });
});
