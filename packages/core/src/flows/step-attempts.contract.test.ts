import { afterEach, describe, expect, it, vi } from "vitest";
import { EventHub, type KeelEvent } from "../events.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";

type Ctx = { answer?: string };
const context = flowContext<Ctx>();

afterEach(() => {
  vi.useRealTimers();
});

describe("a step's attempts", () => {
  it("takes `retry: n` as n attempts with the default backoff (200 ms, doubled)", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const run = vi.fn(() => {
      calls++;
      if (calls < 3) throw new Error("flaky");
      return { answer: `ok after ${calls}` };
    });
    const flow = defineFlow({
      id: "retry-number",
      context,
      initial: "a",
      states: { a: { run, next: "done", retry: 3 }, done: { terminal: true } },
    });
    const pending = flow.run({});
    await vi.advanceTimersByTimeAsync(199);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).context.answer).toBe("ok after 3");
  });

  it("stops at the number of attempts `retry: n` gives", async () => {
    vi.useFakeTimers();
    const run = vi.fn(() => {
      throw new Error("always");
    });
    const flow = defineFlow({
      id: "retry-number-giveup",
      context,
      initial: "a",
      states: { a: { run, next: "done", retry: 2 }, done: { terminal: true } },
    });
    const pending = flow.run({}).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toMatchObject({ reason: "step-failed" });
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("does not retry, or report a failed attempt, when the run is aborted mid-step", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const controller = new AbortController();
    const reason = new Error("caller stopped");
    const run = vi.fn(
      (_ctx: Ctx, io: { signal: AbortSignal }) =>
        new Promise<Ctx>((_resolve, reject) => {
          io.signal.addEventListener("abort", () => reject(new Error("step saw the abort")), { once: true });
          controller.abort(reason);
        }),
    );
    const flow = defineFlow({
      id: "abort-no-retry",
      context,
      initial: "a",
      states: { a: { run, next: "done", retry: { attempts: 3, delayMs: 0 } }, done: { terminal: true } },
    });
    const error = await flow.run({}, { events: hub, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeDefined();
    expect(run).toHaveBeenCalledTimes(1);
    expect(seen.filter((e) => e.type === "flow.step.started")).toHaveLength(1);
    expect(seen.filter((e) => e.type === "flow.step.failed")).toHaveLength(0);
  });
});
