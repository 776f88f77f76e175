import { afterEach, describe, expect, it, vi } from "vitest";
import { abortListenerCount } from "../__fixtures__/abort-listeners.js";
import { AbortedError, NetworkError, TimeoutError } from "../errors.js";
import { callStore, type StoreCallOptions } from "./store-call.js";

afterEach(() => {
  vi.useRealTimers();
});

const listeners = abortListenerCount;

describe("callStore", () => {
  it("settles as the store does, leaving no timer and no listener behind", async () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const callerListeners = listeners(caller.signal);
    let storeListeners = () => -1;
    const value = await callStore(
      async ({ signal }: StoreCallOptions) => {
        storeListeners = listeners(signal!);
        return "hit";
      },
      500,
      { signal: caller.signal },
    );
    expect(value).toBe("hit");
    expect(vi.getTimerCount()).toBe(0);
    expect(callerListeners()).toBe(0);
    expect(storeListeners()).toBe(0);
    const failure = new NetworkError("redis down");
    await expect(callStore(() => Promise.reject(failure), 500, undefined)).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up with a TimeoutError when the store has not answered within its budget, aborting the store's signal", async () => {
    vi.useFakeTimers();
    let storeSignal: AbortSignal | undefined;
    const pending = callStore(
      ({ signal }) => {
        storeSignal = signal;
        return new Promise<never>(() => {});
      },
      50,
      undefined,
    );
    const outcome = pending.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(49);
    expect(storeSignal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("the cache store gave no answer within 50 ms");
    expect(storeSignal!.aborted).toBe(true);
  });

  it("gives up as soon as the caller aborts, and does not call the store for a caller that already has", async () => {
    const caller = new AbortController();
    const pending = callStore(() => new Promise<never>(() => {}), 10_000, { signal: caller.signal });
    caller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    const run = vi.fn(async () => "never");
    await expect(callStore(run, 10_000, { signal: caller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(run).not.toHaveBeenCalled();
  });
});
