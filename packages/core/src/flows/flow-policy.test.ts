import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError, RateLimitedError, TimeoutError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { fallback } from "../middleware/fallback.js";
import { retry } from "../middleware/retry.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

type Ctx = { answer?: string; note?: string };
const context = flowContext<Ctx>();

afterEach(() => {
  vi.useRealTimers();
});

function failing(times: number, error: () => unknown = () => new Error("flaky")) {
  let calls = 0;
  const fn = vi.fn(() => {
    calls++;
    if (calls <= times) throw error();
    return { answer: `ok after ${calls}` };
  });
  return fn;
}

describe("step policies", () => {
  it("retries a failing step with exponential backoff, then succeeds", async () => {
    vi.useFakeTimers();
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const run = failing(2);
    const flow = defineFlow({
      id: "retry",
      context,
      initial: "a",
      states: {
        a: { run, next: "done", retry: { attempts: 3, delayMs: 100, factor: 3 } },
        done: { terminal: true },
      },
    });
    const pending = flow.run({}, { events: hub });
    await vi.advanceTimersByTimeAsync(99);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(299);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).context.answer).toBe("ok after 3");
    const failures = seen.filter((e) => e.type === "flow.step.failed");
    expect(failures.map((e) => [e.attempt, e.willRetry])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it("gives up after the last attempt and does not retry what retryOn rejects", async () => {
    const run = failing(5);
    const flow = defineFlow({
      id: "giveup",
      context,
      initial: "a",
      states: { a: { run, next: "done", retry: { attempts: 2, delayMs: 0 } }, done: { terminal: true } },
    });
    await expect(flow.run({})).rejects.toMatchObject({
      reason: "step-failed",
      message: expect.stringMatching(/a@1.*flaky/),
    });
    expect(run).toHaveBeenCalledTimes(2);

    const bad = failing(5, () => new InvalidRequestError("bad prompt"));
    const strict = defineFlow({
      id: "strict",
      context,
      initial: "a",
      states: { a: { run: bad, next: "done", retry: { attempts: 4, delayMs: 0 } }, done: { terminal: true } },
    });
    await expect(strict.run({})).rejects.toMatchObject({ cause: { code: "invalid-request" } });
    expect(bad).toHaveBeenCalledTimes(1);
  });

  it("times out an attempt, aborting its signal and giving model calls the deadline", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    let signal: AbortSignal | undefined;
    let deadline: number | undefined;
    const flow = defineFlow({
      id: "slow",
      context,
      initial: "a",
      states: {
        a: {
          timeoutMs: 50,
          run: (_, io) => {
            signal = io.signal;
            deadline = io.callOptions.deadline;
            return new Promise(() => {});
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const pending = flow.run({}).catch((e) => e);
    await vi.advanceTimersByTimeAsync(50);
    const error = await pending;
    expect(error).toMatchObject({ reason: "step-failed", cause: { code: "timeout" } });
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(deadline).toBe(1_000_050);
  });

  it("sends a failed step to its fallback state, which sees the error", async () => {
    const flow = defineFlow({
      id: "fallback-state",
      context,
      initial: "a",
      states: {
        a: { run: failing(9), next: "done", fallback: "apologize", retry: { attempts: 2, delayMs: 0 } },
        apologize: {
          run: (_, io) => ({ note: `${io.fallbackError?.stepId}: ${io.fallbackError?.message}` }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const store = new MemoryCheckpointStore();
    const result = await flow.run({}, { store, runId: "f" });
    expect(result.path).toEqual(["a", "apologize", "done"]);
    expect(result.context.note).toBe("a@1: flaky");
  });

  it("uses a fallback action's patch and routes on as usual", async () => {
    const flow = defineFlow({
      id: "fallback-action",
      context,
      initial: "a",
      states: {
        a: {
          run: failing(9, () => new RateLimitedError("429")),
          fallback: (_, error) => ({ answer: `cached (${error.code})` }),
          next: [{ to: "done", when: (c) => c.answer !== undefined }],
        },
        done: { terminal: true },
      },
    });
    const hub = new EventHub();
    const finished: KeelEvent[] = [];
    hub.on((e) => e.type === "flow.step.finished" && finished.push(e));
    const result = await flow.run({}, { events: hub });
    expect(result.context.answer).toBe("cached (rate-limited)");
    expect(finished[0]).toMatchObject({ state: "a", outcome: "fallback", next: "done" });
  });

  it("wraps the step's model calls in its middleware (retry, then fallback), once per model", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const primary = scriptedModel([new RateLimitedError("429", { retryAfterMs: 1 })], { id: "primary" });
    const backup = scriptedModel(["from backup"], { id: "backup", provider: "other" });
    const middleware = [
      retry({ maxAttempts: 2, baseDelayMs: 1, events: hub }),
      fallback([backup], { events: hub }),
    ];
    const models: unknown[] = [];
    const flow = defineFlow({
      id: "piped",
      context,
      initial: "ask",
      states: {
        ask: {
          middleware,
          run: async (_, io) => {
            models.push(io.model(primary), io.model(primary));
            const answer = await io.generate(primary, { messages: [{ role: "user", content: "hi" }] });
            return { answer: answer.text, note: answer.failovers?.map((f) => `${f.from}->${f.to}`).join() };
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const result = await flow.run({}, { events: hub, runId: "m" });
    expect(result.context).toEqual({ answer: "from backup", note: "primary->backup" });
    expect(primary.requests).toHaveLength(2);
    expect(models[0]).toBe(models[1]);
    const fallbackTaken = seen.find((e) => e.type === "fallback.taken");
    expect(fallbackTaken).toMatchObject({ from: "primary", to: "backup" });
    expect(seen.find((e) => e.type === "retry.scheduled")?.context).toMatchObject({
      stepId: "ask@1",
      runId: "m",
    });
  });

  it("rejects middleware that is not a list of functions", () => {
    expect(() =>
      defineFlow({
        id: "bad-mw",
        context,
        initial: "a",
        states: {
          a: { run: () => {}, next: "done", middleware: ["retry"] as never },
          done: { terminal: true },
        },
      }),
    ).toThrow(/state "a": middleware must be a list of middleware functions/);
  });
});
