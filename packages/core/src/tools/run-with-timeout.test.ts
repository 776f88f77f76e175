import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError } from "../errors.js";
import { runWithTimeout } from "./run-with-timeout.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("runWithTimeout", () => {
  it("returns the result when it comes in time", async () => {
    expect(await runWithTimeout(async () => 7, { timeoutMs: 10, what: "job" })).toBe(7);
  });

  it("rejects with TimeoutError and aborts the signal even if fn ignores it", async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const pending = runWithTimeout(
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      { timeoutMs: 50, what: "job" },
    );
    const assertion = expect(pending).rejects.toThrow(new TimeoutError("job timed out after 50 ms"));
    await vi.advanceTimersByTimeAsync(50);
    await assertion;
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with the parent's reason when the parent aborts", async () => {
    const controller = new AbortController();
    const pending = runWithTimeout(() => new Promise(() => {}), { signal: controller.signal, what: "job" });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });

  it("passes errors from fn through", async () => {
    await expect(
      runWithTimeout(
        () => {
          throw new Error("boom");
        },
        { what: "job" },
      ),
    ).rejects.toThrow("boom");
  });
});
