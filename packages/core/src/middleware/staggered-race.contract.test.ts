import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError } from "../errors.js";
import { staggeredRace } from "./staggered-race.js";

/** An attempt whose outcome the test decides, one per index. */
function controlledAttempts() {
  const started: Array<{
    index: number;
    signal: AbortSignal;
    resolve: (value: string) => void;
    reject: (error: unknown) => void;
  }> = [];
  const attempt = (signal: AbortSignal, index: number) =>
    new Promise<string>((resolve, reject) => {
      started.push({ index, signal, resolve, reject });
    });
  return { started, attempt };
}

describe("staggeredRace", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends no extra attempt when the first succeeds within the delay", async () => {
    const { started, attempt } = controlledAttempts();
    const onExtra = vi.fn();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 2, onExtra });
    await vi.advanceTimersByTimeAsync(60);
    started[0]!.resolve("first");
    await expect(race).resolves.toEqual({ value: "first", index: 0, latencyMs: 60, attemptMs: 60 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(1);
    expect(onExtra).not.toHaveBeenCalled();
    expect(started[0]!.signal.aborted).toBe(false);
  });

  it("sends an extra attempt every delay, at most maxExtra, announcing each", async () => {
    const { started, attempt } = controlledAttempts();
    const onExtra = vi.fn();
    void staggeredRace(attempt, { delayMs: 100, maxExtra: 2, onExtra });
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.index)).toEqual([0]);
    await vi.advanceTimersByTimeAsync(99);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.index)).toEqual([0, 1]);
    expect(onExtra.mock.calls).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(started.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(onExtra.mock.calls).toEqual([[1], [2]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(3);
  });

  it("lets the first success win, aborting every other attempt and sending no more", async () => {
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 3 });
    await vi.advanceTimersByTimeAsync(250);
    expect(started).toHaveLength(3);
    started[1]!.resolve("second");
    const win = await race;
    expect(win).toEqual({ value: "second", index: 1, latencyMs: 250, attemptMs: 150 });
    expect(started[0]!.signal.aborted).toBe(true);
    expect(started[0]!.signal.reason).toBeInstanceOf(AbortedError);
    // A loser's provider error, if it reports one, says why its request was cut.
    expect((started[0]!.signal.reason as Error).message).toBe("another hedged request finished first");
    expect(started[2]!.signal.aborted).toBe(true);
    expect(started[1]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(3);
  });

  it("hands a result that comes after the win to discard", async () => {
    const { started, attempt } = controlledAttempts();
    const discard = vi.fn();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 1, discard });
    await vi.advanceTimersByTimeAsync(100);
    started[1]!.resolve("winner");
    await race;
    started[0]!.resolve("late");
    await vi.advanceTimersByTimeAsync(0);
    expect(discard.mock.calls).toEqual([["late"]]);
  });

  it("drops a result that comes after the win quietly when no discard is given", async () => {
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 1 });
    await vi.advanceTimersByTimeAsync(100);
    started[1]!.resolve("winner");
    await race;
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      started[0]!.resolve("late");
      vi.useRealTimers();
      // Node reports unhandled rejections once the microtask queue is empty.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("waits for the attempts still running when one fails", async () => {
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 1 });
    await vi.advanceTimersByTimeAsync(100);
    started[0]!.reject(new Error("first failed"));
    await vi.advanceTimersByTimeAsync(0);
    started[1]!.resolve("second");
    await expect(race).resolves.toMatchObject({ value: "second", index: 1 });
  });

  it("rejects with the last error once none is left, and a late failure changes nothing", async () => {
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 1 });
    const outcome = race.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    started[1]!.reject(new Error("second failed"));
    await vi.advanceTimersByTimeAsync(0);
    started[0]!.reject(new Error("first failed"));
    expect(await outcome).toEqual(new Error("first failed"));
  });

  it("sends no more attempts after every attempt so far has failed", async () => {
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 3 });
    const outcome = race.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    started[0]!.reject(new Error("down"));
    expect(await outcome).toEqual(new Error("down"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(1);
  });

  it("treats an attempt that throws at once as a failed attempt", async () => {
    const race = staggeredRace(
      () => {
        throw new Error("sync");
      },
      { delayMs: 100, maxExtra: 0 },
    );
    await expect(race).rejects.toThrow("sync");
  });

  it("a success after a failure with nothing else running is not lost", async () => {
    // The first failure settles the race only when nothing else runs.
    const { started, attempt } = controlledAttempts();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 2 });
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toHaveLength(3);
    started[0]!.reject(new Error("a"));
    started[2]!.reject(new Error("c"));
    await vi.advanceTimersByTimeAsync(0);
    started[1]!.resolve("b");
    await expect(race).resolves.toMatchObject({ value: "b", index: 1 });
  });

  it("passes the caller's abort to every attempt and sends no more after it", async () => {
    const { started, attempt } = controlledAttempts();
    const controller = new AbortController();
    const race = staggeredRace(attempt, { delayMs: 100, maxExtra: 3, signal: controller.signal });
    const outcome = race.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toHaveLength(2);
    const reason = new AbortedError("caller gave up");
    controller.abort(reason);
    expect(started[0]!.signal.aborted).toBe(true);
    expect(started[1]!.signal.reason).toBe(reason);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(2);
    for (const s of started) s.reject(s.signal.reason);
    expect(await outcome).toBe(reason);
  });
});
