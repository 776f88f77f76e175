import { afterEach, describe, expect, it, vi } from "vitest";
import { OverloadedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { defineFlow } from "./define-flow.js";
import { FlowRunError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

function recorded() {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const payloads = (type: string) =>
    seen
      .filter((e) => e.type === type)
      .map(({ type: _, context: __, time: ___, ...rest }) => rest as Record<string, unknown>);
  return { hub, payloads };
}

const counting = defineFlow({
  id: "counting",
  context: flowContext<{ n: number; fail?: boolean }>(),
  initial: "a",
  states: {
    a: {
      run: (ctx) => {
        if (ctx.fail) throw new OverloadedError("busy", { provider: "openai" });
        return { n: ctx.n + 1 };
      },
      next: "b",
    },
    b: { terminal: true },
  },
});

afterEach(() => {
  vi.useRealTimers();
});

describe("flow runner: the run's lifecycle", () => {
  it("refuses a runId already used, and a resume of a run never started, naming flow and run", async () => {
    const store = new MemoryCheckpointStore();
    await counting.run({ n: 0 }, { store, runId: "r1" });
    const again = await counting.run({ n: 0 }, { store, runId: "r1" }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FlowRunError);
    expect(again).toMatchObject({ reason: "run-exists", flowId: "counting", runId: "r1" });
    expect((again as Error).message).toBe('run "r1" already exists; resume it or pick another runId');
    const missing = await counting.resume("nope", { store }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ reason: "run-not-found", flowId: "counting", runId: "nope" });
    expect((missing as Error).message).toBe('no checkpoint for run "nope"');
  });

  it("names the flow whose input is not a context", async () => {
    const error = await counting
      .run(42 as unknown as { n: number }, { runId: "bad" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "invalid-context", flowId: "counting", runId: "bad" });
    expect((error as Error).message).toBe('the input of flow "counting" is not an object');
  });

  it("refuses to resume a run stopped at a state the flow no longer defines", async () => {
    const store = new MemoryCheckpointStore();
    await counting.run({ n: 0, fail: true }, { store, runId: "r2" }).catch(() => undefined);
    await store.save({ ...(await store.load("r2"))!, state: "gone" });
    const error = await counting.resume("r2", { store }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "flow-mismatch", flowId: "counting", runId: "r2" });
    expect((error as Error).message).toBe(
      'run "r2" stopped at state "gone", which flow "counting" no longer defines',
    );
  });

  it("saves a running checkpoint before the first step runs", async () => {
    const store = new MemoryCheckpointStore();
    const seenByStep: unknown[] = [];
    const flow = defineFlow({
      id: "peek",
      context: flowContext<object>(),
      initial: "a",
      states: {
        a: {
          run: async () => {
            seenByStep.push(await store.load("p"));
            return {};
          },
          next: "b",
        },
        b: { terminal: true },
      },
    });
    await flow.run({}, { store, runId: "p" });
    expect(seenByStep).toMatchObject([{ status: "running", state: "a", step: 0, path: [] }]);
  });

  it("reports start, each step's duration and the end of a completed run", async () => {
    vi.useFakeTimers();
    const { hub, payloads } = recorded();
    const flow = defineFlow({
      id: "timed",
      context: flowContext<object>(),
      initial: "a",
      states: {
        a: { run: () => new Promise<object>((resolve) => setTimeout(() => resolve({}), 250)), next: "b" },
        b: { terminal: true },
      },
    });
    const run = flow.run({}, { runId: "t", events: hub });
    await vi.advanceTimersByTimeAsync(250);
    await run;
    expect(payloads("flow.started")).toEqual([{ state: "a", step: 0, resumed: false }]);
    expect(payloads("flow.step.finished")).toMatchObject([
      { state: "a", step: 1, next: "b", durationMs: 250 },
      { state: "b", step: 2 },
    ]);
    expect(payloads("flow.finished")).toEqual([{ state: "b", steps: 2, status: "completed" }]);
  });

  it("reports the end of a failed run with its reason, and keeps the step's error as cause and its provider", async () => {
    const { hub, payloads } = recorded();
    const error = await counting
      .run({ n: 0, fail: true }, { runId: "f", events: hub })
      .catch((e: unknown) => e);
    expect(payloads("flow.finished")).toEqual([
      { state: "a", steps: 0, status: "failed", reason: "step-failed" },
    ]);
    expect(error).toMatchObject({ reason: "step-failed", provider: "openai" });
    expect((error as FlowRunError).cause).toBeInstanceOf(OverloadedError);
  });

  it("runs no step when the signal has already fired", async () => {
    const step = vi.fn(() => ({}));
    const flow = defineFlow({
      id: "never",
      context: flowContext<object>(),
      initial: "a",
      states: { a: { run: step, next: "b" }, b: { terminal: true } },
    });
    const controller = new AbortController();
    controller.abort();
    const error = await flow.run({}, { runId: "n", signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "aborted" });
    expect(step).not.toHaveBeenCalled();
  });
});

describe("flow runner: a nested run's failure", () => {
  /** A flow that always runs out of steps. */
  const spinning = (id: string) =>
    defineFlow({
      id,
      context: flowContext<object>(),
      initial: "spin",
      maxSteps: 1,
      states: {
        spin: { run: () => ({}), next: [{ to: "done", when: () => false }, { to: "spin" }] },
        done: { terminal: true },
      },
    });

  it("is wrapped when only its flow id, or only its run id, matches the outer run's", async () => {
    for (const [innerFlow, innerRun] of [
      ["outer", "inner-run"],
      ["inner", "outer-run"],
    ] as const) {
      const inner = spinning(innerFlow);
      const outer = defineFlow({
        id: "outer",
        context: flowContext<object>(),
        initial: "delegate",
        states: {
          delegate: { run: async () => (await inner.run({}, { runId: innerRun })).context, next: "done" },
          done: { terminal: true },
        },
      });
      const error = await outer.run({}, { runId: "outer-run" }).catch((e: unknown) => e);
      expect(error, innerFlow).toMatchObject({ reason: "step-limit", flowId: "outer", runId: "outer-run" });
      expect((error as FlowRunError).stepId, innerFlow).toBe("delegate@1");
      expect((error as FlowRunError).cause, innerFlow).toMatchObject({ flowId: innerFlow, runId: innerRun });
      // Not a step failure: the message is the nested run's own.
      expect((error as Error).message, innerFlow).toBe(((error as FlowRunError).cause as Error).message);
    }
  });
});
