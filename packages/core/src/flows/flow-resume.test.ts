import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AbortedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { CallOptions } from "../model.js";
import { wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { tool } from "../tools/tool.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";
import type { StepIO } from "./step-io.js";

type Ctx = { total: number; receipts: string[] };

/** A flow whose steps each charge once (a side effect) and record the receipt. */
function chargeFlow(
  charges: string[],
  hooks: { afterCharge?: (stepId: string) => void | Promise<void> } = {},
) {
  const charge = (amount: number) => async (ctx: Ctx, io: StepIO) => {
    const receipt = await io.once("charge", () => {
      charges.push(io.stepId);
      return `r-${io.stepId}`;
    });
    await hooks.afterCharge?.(io.stepId);
    return { total: ctx.total + amount, receipts: [...ctx.receipts, receipt] };
  };
  return defineFlow({
    id: "charges",
    context: flowContext<Ctx>(),
    initial: "one",
    states: {
      one: { run: charge(1), next: "two" },
      two: { run: charge(10), next: "three" },
      three: { run: charge(100), next: "done" },
      done: { terminal: true },
    },
  });
}

describe("resume", () => {
  it("continues an aborted run from its last checkpoint without repeating side effects", async () => {
    const reference = await chargeFlow([]).run({ total: 0, receipts: [] });

    const charges: string[] = [];
    const controller = new AbortController();
    const store = new MemoryCheckpointStore();
    const crashing = chargeFlow(charges, {
      // Dies in step two after its side effect was recorded but before the step's checkpoint.
      afterCharge: (stepId) => {
        if (stepId === "two@2") {
          controller.abort();
          return new Promise(() => {});
        }
      },
    });
    await expect(
      crashing.run({ total: 0, receipts: [] }, { store, runId: "c", signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(await store.load("c")).toMatchObject({ status: "running", state: "two", step: 1 });

    const resumed = await chargeFlow(charges).resume("c", { store });
    expect(resumed).toMatchObject({
      resumed: true,
      state: reference.state,
      context: reference.context,
      path: reference.path,
    });
    expect(charges).toEqual(["one@1", "two@2", "three@3"]);
  });

  it("re-runs the failed state of a failed run", async () => {
    let broken = true;
    const flow = defineFlow({
      id: "flaky",
      context: flowContext<{ done?: boolean }>(),
      initial: "a",
      states: {
        a: {
          run: () => {
            if (broken) throw new Error("service down");
            return { done: true };
          },
          next: "end",
        },
        end: { terminal: true },
      },
    });
    const store = new MemoryCheckpointStore();
    await expect(flow.run({}, { store, runId: "f" })).rejects.toMatchObject({ reason: "step-failed" });
    expect(await store.load("f")).toMatchObject({
      status: "failed",
      failure: { message: "service down", stepId: "a@1" },
    });
    broken = false;
    const result = await flow.resume("f", { store });
    expect(result).toMatchObject({ state: "end", context: { done: true }, resumed: true });
    expect((await store.load("f"))?.failure).toBeUndefined();
  });

  it("returns a completed run's result without running anything", async () => {
    const charges: string[] = [];
    const store = new MemoryCheckpointStore();
    const first = await chargeFlow(charges).run({ total: 0, receipts: [] }, { store, runId: "done" });
    const again = await chargeFlow(charges).resume("done", { store });
    expect(again).toEqual({ ...first, resumed: true });
    expect(charges).toHaveLength(3);
  });
});

describe("telemetry", () => {
  it("puts the step id on every event of the step, including model and tool calls made through io", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const options: CallOptions[] = [];
    const scripted = scriptedModel([
      '{"label": "bug"}',
      {
        events: [
          { type: "tool-call", call: { type: "tool-call", id: "t1", name: "lookup", arguments: { id: 7 } } },
          { type: "finish", finishReason: "tool-calls" },
        ],
      },
      "found it",
    ]);
    const model = wrapModel(scripted, {
      generate: (req, opts) => {
        options.push(opts ?? {});
        return scripted.generate(req, opts);
      },
    });
    const lookup = tool({
      name: "lookup",
      input: z.object({ id: z.number() }),
      execute: ({ id }) => `record ${id}`,
    });
    const flow = defineFlow({
      id: "observed",
      context: flowContext<{ label?: string; answer?: string }>(),
      initial: "classify",
      states: {
        classify: {
          run: async (_, io) => {
            const { object } = await io.generateObject(model, {
              schema: z.object({ label: z.string() }),
              prompt: "?",
            });
            return { label: object.label };
          },
          next: "answer",
        },
        answer: {
          run: async (_, io) => ({
            answer: (await io.runTools(model, { tools: [lookup], prompt: "find 7" })).text,
          }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const result = await flow.run({}, { events: hub, runId: "obs", tenant: "acme" });
    expect(result.context).toEqual({ label: "bug", answer: "found it" });
    expect(options.map((o) => o.context)).toEqual([
      { flowId: "observed", runId: "obs", stepId: "classify@1", tenant: "acme" },
      { flowId: "observed", runId: "obs", stepId: "answer@2", tenant: "acme" },
      { flowId: "observed", runId: "obs", stepId: "answer@2", tenant: "acme" },
    ]);
    const stepEvents = seen.filter((e) => e.type !== "flow.started" && e.type !== "flow.finished");
    expect(stepEvents.map((e) => `${e.type}@${e.context?.stepId}`)).toEqual([
      "flow.step.started@classify@1",
      "flow.step.finished@classify@1",
      "flow.step.started@answer@2",
      "tool.called@answer@2",
      "tool.finished@answer@2",
      "agent.step@answer@2",
      "agent.step@answer@2",
      "agent.finished@answer@2",
      "flow.step.finished@answer@2",
      "flow.step.started@done@3",
      "flow.step.finished@done@3",
    ]);
    expect(seen.every((e) => e.context?.runId === "obs" && e.context?.flowId === "observed")).toBe(true);
  });
});
