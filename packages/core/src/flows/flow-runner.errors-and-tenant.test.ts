import { describe, expect, it } from "vitest";
import { EventHub, type KeelEvent } from "../events.js";
import { defineFlow } from "./define-flow.js";
import { FlowRunError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

const looping = defineFlow({
  id: "inner",
  context: flowContext<{ turns: number }>(),
  initial: "spin",
  maxSteps: 2,
  states: {
    spin: {
      run: (ctx) => ({ turns: ctx.turns + 1 }),
      next: [{ to: "done", when: (ctx) => ctx.turns > 100 }, { to: "spin" }],
    },
    done: { terminal: true },
  },
});

describe("flow errors: passed through or wrapped", () => {
  it("wraps a nested flow's failure in one that names the outer run, keeping the reason and the cause", async () => {
    const outer = defineFlow({
      id: "outer",
      context: flowContext<{ turns?: number }>(),
      initial: "delegate",
      states: {
        delegate: {
          run: async () => ({
            turns: (await looping.run({ turns: 0 }, { runId: "inner-run" })).context.turns,
          }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const error = await outer.run({}, { runId: "outer-run" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowRunError);
    expect(error).toMatchObject({
      reason: "step-limit",
      flowId: "outer",
      runId: "outer-run",
      state: "delegate",
      stepId: "delegate@1",
    });
    expect((error as FlowRunError).cause).toMatchObject({
      flowId: "inner",
      runId: "inner-run",
      reason: "step-limit",
    });
  });

  it("throws its own step-limit error as it is, not wrapped in a copy of itself", async () => {
    const error = await looping.run({ turns: 0 }, { runId: "r" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "step-limit", flowId: "inner", runId: "r", stepId: "spin@3" });
    expect((error as FlowRunError).cause).toBeUndefined();
  });

  it("names the failed step in the message of a step that threw", async () => {
    const flow = defineFlow({
      id: "thrower",
      context: flowContext<object>(),
      initial: "boom",
      states: {
        boom: {
          run: () => {
            throw new Error("disk full");
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const error = await flow.run({}, { runId: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "step-failed", stepId: "boom@1" });
    expect((error as Error).message).toBe('flow "thrower" failed at step "boom@1": disk full');
    expect(((error as FlowRunError).cause as Error).message).toBe("disk full");
  });
});

describe("flow tenant", () => {
  const twoSteps = defineFlow({
    id: "tenanted",
    context: flowContext<{ n: number }>(),
    initial: "a",
    states: { a: { run: (ctx) => ({ n: ctx.n + 1 }), next: "b" }, b: { terminal: true } },
  });

  it("writes the tenant into every checkpoint and onto every flow event", async () => {
    const store = new MemoryCheckpointStore();
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const tenants: Array<string | undefined> = [];
    await twoSteps.run(
      { n: 0 },
      { store, runId: "t1", tenant: "acme", events: hub, onCheckpoint: (c) => void tenants.push(c.tenant) },
    );
    expect(tenants).toEqual(["acme", "acme"]);
    expect((await store.load("t1"))?.tenant).toBe("acme");
    const flowEvents = seen.filter((e) => e.type.startsWith("flow."));
    expect(flowEvents.length).toBeGreaterThanOrEqual(4);
    for (const event of flowEvents) expect(event.context?.tenant, event.type).toBe("acme");
  });

  it("keeps the tenant of the first run when a resume does not name one", async () => {
    const store = new MemoryCheckpointStore();
    const pausing = defineFlow({
      id: "pausing",
      context: flowContext<{ fail: boolean }>(),
      initial: "a",
      states: {
        a: {
          run: (ctx) => {
            if (ctx.fail) throw new Error("not yet");
            return {};
          },
          next: "b",
        },
        b: { terminal: true },
      },
    });
    await pausing.run({ fail: true }, { store, runId: "p1", tenant: "acme" }).catch(() => undefined);
    const checkpoint = await store.load("p1");
    expect(checkpoint?.tenant).toBe("acme");
    await store.save({ ...checkpoint!, context: { fail: false } });
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const result = await pausing.resume("p1", { store, events: hub });
    expect(result).toMatchObject({ state: "b", resumed: true });
    expect((await store.load("p1"))?.tenant).toBe("acme");
    expect(seen.every((e) => e.context?.tenant === "acme")).toBe(true);
  });

  it("writes no tenant field when the run has none", async () => {
    const store = new MemoryCheckpointStore();
    await twoSteps.run({ n: 0 }, { store, runId: "t2" });
    expect(Object.hasOwn((await store.load("t2"))!, "tenant")).toBe(false);
  });
});
