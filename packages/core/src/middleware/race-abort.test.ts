import { describe, expect, it } from "vitest";
import { abortListenerCount } from "../__fixtures__/abort-listeners.js";
import { AbortedError, NetworkError, TimeoutError } from "../errors.js";
import { raceAbort } from "./race-abort.js";

/** A promise that never settles unless told to, so only the signal can end the race. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const listenerCount = abortListenerCount;

describe("raceAbort", () => {
  it("settles with the promise's value or error while the signal stays open, then stops listening", async () => {
    const controller = new AbortController();
    const listeners = listenerCount(controller.signal);
    await expect(raceAbort(Promise.resolve("answer"), controller.signal)).resolves.toBe("answer");
    expect(listeners()).toBe(0);
    const failure = new NetworkError("reset");
    await expect(raceAbort(Promise.reject(failure), controller.signal)).rejects.toBe(failure);
    expect(listeners()).toBe(0);
  });

  it("rejects with the signal's Keel error as soon as it aborts, while the promise is still pending", async () => {
    const controller = new AbortController();
    const race = raceAbort(pending<string>().promise, controller.signal);
    const reason = new TimeoutError("budget spent");
    controller.abort(reason);
    await expect(race).rejects.toBe(reason);
  });

  it("rejects at once for an already-aborted signal, and never reports the promise's later failure as unhandled", async () => {
    const controller = new AbortController();
    controller.abort();
    const inner = pending<string>();
    const race = raceAbort(inner.promise, controller.signal);
    await expect(race).rejects.toBeInstanceOf(AbortedError);
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on("unhandledRejection", onUnhandled);
    try {
      inner.reject(new NetworkError("late"));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("ignores an abort after the promise has settled", async () => {
    const controller = new AbortController();
    const inner = pending<string>();
    const race = raceAbort(inner.promise, controller.signal);
    inner.resolve("first");
    await expect(race).resolves.toBe("first");
    controller.abort();
    await expect(race).resolves.toBe("first");
  });
});
