import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineFlow } from "./define-flow.js";
import { FlowRunError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

const Ticket = z.object({
  text: z.string(),
  kind: z.enum(["bug", "billing", "other"]).optional(),
  log: z.array(z.string()),
});

const triage = defineFlow({
  id: "route",
  context: Ticket,
  initial: "classify",
  states: {
    classify: {
      run: (ctx) => ({
        kind: ctx.text.includes("refund")
          ? ("billing" as const)
          : ctx.text.includes("crash")
            ? ("bug" as const)
            : ("other" as const),
      }),
      next: [
        { to: "billing", when: (ctx) => ctx.kind === "billing", label: "billing" },
        { to: "engineering", when: (ctx) => ctx.kind === "bug" },
        { to: "done" },
      ],
    },
    billing: { run: (ctx) => ({ log: [...ctx.log, "billing"] }), next: "done" },
    engineering: { run: async (ctx) => ({ log: [...ctx.log, "engineering"] }), next: "done" },
    done: { terminal: true, run: (ctx) => ({ log: [...ctx.log, "closed"] }) },
  },
});

describe("flow runs", () => {
  it("routes by the first guard that holds and ends in a terminal state", async () => {
    const billing = await triage.run({ text: "refund please", log: [] });
    expect(billing).toMatchObject({
      state: "done",
      context: { kind: "billing", log: ["billing", "closed"] },
      steps: 3,
      path: ["classify", "billing", "done"],
      resumed: false,
      flowId: "route",
    });
    const other = await triage.run({ text: "hello", log: [] });
    expect(other.path).toEqual(["classify", "done"]);
    expect(other.context.log).toEqual(["closed"]);
  });

  it("checkpoints after every step", async () => {
    const store = new MemoryCheckpointStore();
    const seen: string[] = [];
    const result = await triage.run(
      { text: "app crash", log: [] },
      { store, runId: "r1", onCheckpoint: (c) => void seen.push(`${c.step}:${c.status}:${c.state}`) },
    );
    expect(seen).toEqual(["1:running:engineering", "2:running:done", "3:completed:done"]);
    expect(await store.load("r1")).toMatchObject({ status: "completed", context: result.context, step: 3 });
  });

  it("validates the input and every step's result against the context schema", async () => {
    await expect(triage.run({ text: 1 } as never)).rejects.toMatchObject({
      code: "flow-failed",
      reason: "invalid-context",
      message: expect.stringContaining("text: Invalid input: expected string"),
    });
    const broken = defineFlow({
      id: "broken",
      context: Ticket,
      initial: "a",
      states: { a: { run: () => ({ kind: "nope" as never }), next: "done" }, done: { terminal: true } },
    });
    const store = new MemoryCheckpointStore();
    const error = await broken.run({ text: "", log: [] }, { store, runId: "b" }).catch((e) => e);
    expect(error).toBeInstanceOf(FlowRunError);
    expect(error).toMatchObject({ reason: "invalid-context", state: "a", stepId: "a@1", runId: "b" });
    expect(await store.load("b")).toMatchObject({
      status: "failed",
      failure: { reason: "invalid-context", state: "a" },
    });
  });

  it("rejects contexts that are not JSON objects and steps that return something other than a patch", async () => {
    const flow = defineFlow({
      id: "patch",
      context: flowContext<{ when?: unknown }>(),
      initial: "a",
      states: { a: { run: () => 42 as never, next: "done" }, done: { terminal: true } },
    });
    await expect(flow.run({})).rejects.toThrow(/returned number instead of a context patch/);
    await expect(flow.run([] as never)).rejects.toThrow(/is not an object/);
    await expect(flow.run({ when: 1n })).rejects.toThrow(/not JSON-serializable/);
  });

  it("fails with no-transition when no guard holds", async () => {
    const flow = defineFlow({
      id: "stuck",
      context: flowContext<{ n: number }>(),
      initial: "a",
      states: {
        a: {
          run: noop,
          next: [
            { to: "b", when: (c) => c.n > 5 },
            { to: "done", when: (c) => c.n < 0 },
          ],
        },
        b: { run: noop, next: "done" },
        done: { terminal: true },
      },
    });
    await expect(flow.run({ n: 1 })).rejects.toMatchObject({
      reason: "no-transition",
      message: 'no transition from state "a" matched the context (guards to "b", "done" all returned false)',
    });
  });

  it("stops at the step limit with a typed error", async () => {
    const flow = defineFlow({
      id: "loop",
      context: flowContext<{ n: number }>(),
      initial: "a",
      maxSteps: 5,
      states: {
        a: { run: (c) => ({ n: c.n + 1 }), next: "b" },
        b: { run: noop, next: [{ to: "done", when: (c) => c.n > 100 }, { to: "a" }] },
        done: { terminal: true },
      },
    });
    const store = new MemoryCheckpointStore();
    const error = await flow.run({ n: 0 }, { store, runId: "l" }).catch((e) => e);
    expect(error).toMatchObject({ reason: "step-limit", state: "b", stepId: "b@6" });
    expect(error.message).toBe(
      'flow "loop" reached its limit of 5 steps before a terminal state (next: "b")',
    );
    expect(await store.load("l")).toMatchObject({ status: "failed", step: 5, context: { n: 3 } });
    await expect(flow.run({ n: 0 }, { maxSteps: 2 })).rejects.toMatchObject({
      reason: "step-limit",
      stepId: "a@3",
    });
  });

  it("gives guards the step number and state visit counts", async () => {
    const flow = defineFlow({
      id: "visits",
      context: flowContext<{ trail: string[] }>(),
      initial: "a",
      states: {
        a: {
          run: (c, io) => ({ trail: [...c.trail, io.stepId] }),
          next: [{ to: "done", when: (_, info) => info.visits("a") === 3 }, { to: "a" }],
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({ trail: [] })).context.trail).toEqual(["a@1", "a@2", "a@3"]);
  });

  it("refuses to reuse a run id and reports unknown or foreign runs", async () => {
    const store = new MemoryCheckpointStore();
    await triage.run({ text: "x", log: [] }, { store, runId: "same" });
    await expect(triage.run({ text: "x", log: [] }, { store, runId: "same" })).rejects.toMatchObject({
      reason: "run-exists",
    });
    await expect(triage.resume("missing", { store })).rejects.toMatchObject({ reason: "run-not-found" });
    const other = defineFlow({
      id: "other",
      context: flowContext<object>(),
      initial: "done",
      states: { done: { terminal: true } },
    });
    await expect(other.resume("same", { store })).rejects.toMatchObject({
      reason: "flow-mismatch",
      message: 'run "same" belongs to flow "route", not "other"',
    });
  });
});

function noop() {}
