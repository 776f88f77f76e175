import { describe, expect, it } from "vitest";
import { TimeoutError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";

type Ctx = { note?: string; trail?: string[]; ids?: string[] };
const context = flowContext<Ctx>();

function recorder() {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  return { hub, seen };
}

describe("a step's execution", () => {
  it("reports each step's start and its outcome (ok, or fallback when a fallback state was taken)", async () => {
    const { hub, seen } = recorder();
    const flow = defineFlow({
      id: "outcomes",
      context,
      initial: "a",
      states: {
        a: {
          run: () => {
            throw new Error("broken");
          },
          next: "done",
          fallback: "b",
        },
        b: { run: () => ({ note: "b" }), next: "c" },
        c: { check: () => ({ pass: true }), onPass: "done", onFail: "b", onEscalate: "done", maxRetries: 1 },
        done: { terminal: true },
      },
    });
    await flow.run({}, { events: hub, runId: "o" });
    const started = seen.flatMap((e) =>
      e.type === "flow.step.started" ? [{ state: e.state, step: e.step, attempt: e.attempt }] : [],
    );
    expect(started).toEqual([
      { state: "a", step: 1, attempt: 1 },
      { state: "b", step: 2, attempt: 1 },
      { state: "c", step: 3, attempt: 1 },
      { state: "done", step: 4, attempt: 1 },
    ]);
    const outcomes = seen.flatMap((e) =>
      e.type === "flow.step.finished" ? [`${e.state}:${e.outcome}`] : [],
    );
    expect(outcomes).toEqual(["a:fallback", "b:ok", "c:ok", "done:ok"]);
    expect(seen.find((e) => e.type === "flow.step.started")?.context).toEqual({
      flowId: "outcomes",
      runId: "o",
      stepId: "a@1",
    });
  });

  it("records a plain error's code as unknown for the fallback state", async () => {
    const flow = defineFlow({
      id: "unknown-code",
      context,
      initial: "a",
      states: {
        a: {
          run: () => {
            throw new Error("plain");
          },
          next: "done",
          fallback: "b",
        },
        b: {
          run: (_, io) => ({ note: `${io.fallbackError?.code}: ${io.fallbackError?.message}` }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({})).context.note).toBe("unknown: plain");
  });

  it("names the step in its timeout message", async () => {
    const flow = defineFlow({
      id: "timeout-message",
      context,
      initial: "a",
      states: {
        a: {
          run: (_, io) =>
            new Promise((_resolve, reject) =>
              io.signal.addEventListener("abort", () => reject(io.signal.reason)),
            ),
          next: "done",
          timeoutMs: 5,
        },
        done: { terminal: true },
      },
    });
    await expect(flow.run({})).rejects.toThrow('step "a@1" timed out after 5 ms');
  });

  it("runs a fallback action under the step's timeout, and without one when the step has none", async () => {
    const failing = () => {
      throw new Error("broken");
    };
    const timed = defineFlow({
      id: "fallback-timeout",
      context,
      initial: "a",
      states: {
        a: {
          run: failing,
          next: "done",
          timeoutMs: 5,
          fallback: (_c, _e, io) =>
            new Promise((_resolve, reject) =>
              io.signal.addEventListener("abort", () => reject(io.signal.reason)),
            ),
        },
        done: { terminal: true },
      },
    });
    const error = await timed.run({}).catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);

    const untimed = defineFlow({
      id: "fallback-no-timeout",
      context,
      initial: "a",
      states: {
        a: { run: failing, next: "done", fallback: (_c, _e, io) => ({ note: String(io.deadline) }) },
        done: { terminal: true },
      },
    });
    expect((await untimed.run({})).context.note).toBe("undefined");
  });

  it("gives each parallel branch its own step id", async () => {
    const flow = defineFlow({
      id: "branch-ids",
      context,
      initial: "gather",
      states: {
        gather: {
          branches: { docs: (_c, io) => io.stepId, faq: (_c, io) => io.stepId },
          join: (_c, r) => ({ ids: [r.docs as string, r.faq as string] }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({})).context.ids).toEqual(["gather@1/docs", "gather@1/faq"]);
  });

  it("counts a state's own visits for guards, not every step taken", async () => {
    const flow = defineFlow({
      id: "own-visits",
      context,
      initial: "a",
      states: {
        a: {
          run: (c) => ({ trail: [...(c.trail ?? []), "a"] }),
          next: [{ to: "done", when: (_, info) => info.visits("a") === 2 }, { to: "b" }],
        },
        b: { run: (c) => ({ trail: [...(c.trail ?? []), "b"] }), next: "a" },
        done: { terminal: true },
      },
    });
    expect((await flow.run({})).context.trail).toEqual(["a", "b", "a"]);
  });
});

describe("a check step", () => {
  function checking(verdict: unknown) {
    return defineFlow({
      id: "verdicts",
      context,
      initial: "c",
      states: {
        c: {
          check: () => verdict as never,
          onPass: "done",
          onFail: "done",
          onEscalate: "done",
          maxRetries: 1,
        },
        done: { terminal: true },
      },
    });
  }

  it.each([
    ["nothing", undefined],
    ["null", null],
    ["a string", "yes"],
    ["a verdict whose pass is not a boolean", { pass: "yes" }],
  ])("fails with step-failed when the check returns %s", async (_label, verdict) => {
    await expect(checking(verdict).run({})).rejects.toMatchObject({
      reason: "step-failed",
      message: expect.stringContaining('the check of state "c" must return { pass: boolean }'),
    });
  });

  it("reports the verdict's score, and no score when the verdict has none", async () => {
    const scored = recorder();
    await checking({ pass: true, score: 0.75 }).run({}, { events: scored.hub });
    const unscored = recorder();
    await checking({ pass: true }).run({}, { events: unscored.hub });
    const evaluated = (seen: KeelEvent[]) => seen.find((e) => e.type === "flow.check.evaluated");
    expect(evaluated(scored.seen)).toMatchObject({ pass: true, route: "pass", failures: 0, score: 0.75 });
    expect(evaluated(unscored.seen)).not.toHaveProperty("score");
  });
});
