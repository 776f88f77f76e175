import { afterEach, describe, expect, it, vi } from "vitest";
import { callSignal, cancellableSleep, linkCallOptions, markCallScoped } from "./abort.js";
import { AbortedError, TimeoutError } from "./errors.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("callSignal", () => {
  it("never hands out the caller's own signal (an SDK would leave a listener on it per call)", () => {
    const caller = new AbortController();
    const { signal, dispose } = callSignal({ signal: caller.signal });
    expect(signal).not.toBe(caller.signal);
    caller.abort(new Error("stop"));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(AbortedError);
    dispose();
  });

  it("reuses a call-scoped signal that already fires by the deadline: no controller, no timer", () => {
    vi.useFakeTimers();
    const scoped = new AbortController();
    const deadline = Date.now() + 1000;
    markCallScoped(scoped.signal, deadline);
    expect(callSignal({ signal: scoped.signal, deadline }).signal).toBe(scoped.signal);
    expect(callSignal({ signal: scoped.signal, deadline: deadline + 1 }).signal).toBe(scoped.signal);
    expect(vi.getTimerCount()).toBe(0);
    // A deadline earlier than the one the signal keeps needs a timer of its own.
    const earlier = callSignal({ signal: scoped.signal, deadline: deadline - 500 });
    expect(earlier.signal).not.toBe(scoped.signal);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(earlier.signal.reason).toBeInstanceOf(TimeoutError);
    earlier.dispose();
  });
});

describe("linkCallOptions", () => {
  it("arms no timer when the parent already fires by the deadline, and passes that on", () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const deadline = Date.now() + 1000;
    markCallScoped(parent.signal, deadline);
    const child = new AbortController();
    const dispose = linkCallOptions(child, { signal: parent.signal, deadline });
    expect(vi.getTimerCount()).toBe(0);
    // The child inherits the parent's promise, so a layer further in can reuse the child as is.
    expect(callSignal({ signal: child.signal, deadline }).signal).toBe(child.signal);
    parent.abort(new TimeoutError("late"));
    expect(child.signal.reason).toBeInstanceOf(TimeoutError);
    dispose();
  });
});

describe("cancellableSleep", () => {
  it("resolves after the wait, early on cancel, and rejects on abort", async () => {
    vi.useFakeTimers();
    const slept = cancellableSleep(100);
    vi.advanceTimersByTime(100);
    await expect(slept.done).resolves.toBeUndefined();

    const cancelled = cancellableSleep(100_000);
    cancelled.cancel();
    await expect(cancelled.done).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);

    const controller = new AbortController();
    const aborted = cancellableSleep(100_000, controller.signal);
    controller.abort();
    await expect(aborted.done).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
    await expect(cancellableSleep(1, controller.signal).done).rejects.toBeInstanceOf(AbortedError);
  });
});
