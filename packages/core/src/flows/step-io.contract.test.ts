import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EventHub, type KeelEvent } from "../events.js";
import type { CallOptions, Middleware } from "../model.js";
import { wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";
import type { StepIO } from "./step-io.js";

type Ctx = { text?: string; label?: string; ids?: string };
const context = flowContext<Ctx>();

function recording(script: string[]) {
  const options: CallOptions[] = [];
  const scripted = scriptedModel(script);
  const model = wrapModel(scripted, {
    generate: (req, opts) => {
      options.push(opts ?? {});
      return scripted.generate(req, opts);
    },
    stream: (req, opts) => {
      options.push(opts ?? {});
      return scripted.stream(req, opts);
    },
  });
  return { model, options };
}

describe("a step's io", () => {
  it("names the flow, run, step and attempt it was made for", async () => {
    const seen: Array<Pick<StepIO, "flowId" | "runId" | "stepId" | "state" | "step" | "attempt">> = [];
    let calls = 0;
    const flow = defineFlow({
      id: "ids",
      context,
      initial: "a",
      states: {
        a: { run: () => undefined, next: "b" },
        b: {
          run: (_, io) => {
            const { flowId, runId, stepId, state, step, attempt } = io;
            seen.push({ flowId, runId, stepId, state, step, attempt });
            if (++calls === 1) throw new Error("once more");
          },
          next: "done",
          retry: { attempts: 2, delayMs: 0 },
        },
        done: { terminal: true },
      },
    });
    await flow.run({}, { runId: "r" });
    expect(seen).toEqual([
      { flowId: "ids", runId: "r", stepId: "b@2", state: "b", step: 2, attempt: 1 },
      { flowId: "ids", runId: "r", stepId: "b@2", state: "b", step: 2, attempt: 2 },
    ]);
  });

  it("gives model calls the step's ids and signal, with no tenant or deadline when the run has none", async () => {
    const { model, options } = recording(["streamed"]);
    let io: StepIO | undefined;
    const flow = defineFlow({
      id: "plain",
      context,
      initial: "a",
      states: {
        a: {
          run: async (_, stepIO) => {
            io = stepIO;
            let text = "";
            for await (const e of stepIO.stream(model, { messages: [{ role: "user", content: "hi" }] }))
              if (e.type === "text-delta") text += e.text;
            return { text };
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({}, { runId: "p" })).context.text).toBe("streamed");
    expect(options).toHaveLength(1);
    expect(options[0]?.context).toEqual({ flowId: "plain", runId: "p", stepId: "a@1" });
    expect(Object.keys(options[0] ?? {}).sort()).toEqual(["context", "signal"]);
    expect(options[0]?.signal).toBe(io?.signal);
    expect(io?.callContext).toEqual({ flowId: "plain", runId: "p", stepId: "a@1" });
    expect(io?.deadline).toBeUndefined();
  });

  it("streams objects through the step's middleware with the step's call options", async () => {
    const { model, options } = recording(['{"label": "bug"}']);
    const through: string[] = [];
    const tag: Middleware = (next) => ({
      ...next,
      stream: (req, opts) => {
        through.push("stream");
        return next.stream(req, opts);
      },
    });
    const flow = defineFlow({
      id: "objects",
      context,
      initial: "a",
      states: {
        a: {
          run: async (_, io) => ({
            label: (
              await io.streamObject(model, { schema: z.object({ label: z.string() }), prompt: "?" }).object
            ).label,
          }),
          next: "done",
          middleware: [tag],
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({}, { runId: "o", tenant: "acme" })).context.label).toBe("bug");
    expect(through).toEqual(["stream"]);
    expect(options[0]?.context).toEqual({ flowId: "objects", runId: "o", stepId: "a@1", tenant: "acme" });
  });

  it("emits events carrying the step's ids", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const flow = defineFlow({
      id: "emit",
      context,
      initial: "a",
      states: {
        a: {
          run: (_, io) => {
            io.emit("flow.step.started", { state: "custom", step: 99, attempt: 1 });
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    await flow.run({}, { events: hub, runId: "e", tenant: "t" });
    const custom = seen.find((e) => e.type === "flow.step.started" && e.state === "custom");
    expect(custom?.context).toEqual({ flowId: "emit", runId: "e", stepId: "a@1", tenant: "t" });
  });

  it("runs an effect once when one step asks for the same key twice at the same time", async () => {
    let effects = 0;
    const flow = defineFlow({
      id: "shared-once",
      context,
      initial: "a",
      states: {
        a: {
          run: async (_, io) => {
            const effect = async () => `id-${++effects}`;
            const [x, y] = await Promise.all([io.once("k", effect), io.once("k", effect)]);
            return { ids: `${x},${y}` };
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    expect((await flow.run({})).context.ids).toBe("id-1,id-1");
    expect(effects).toBe(1);
  });

  it("keeps `once` keys apart per step", async () => {
    let effects = 0;
    const step = async (ctx: Ctx, io: StepIO) => ({
      ids: `${ctx.ids ?? ""}${await io.once("k", () => `id-${++effects}`)};`,
    });
    const flow = defineFlow({
      id: "per-step-once",
      context,
      initial: "a",
      states: { a: { run: step, next: "b" }, b: { run: step, next: "done" }, done: { terminal: true } },
    });
    expect((await flow.run({})).context.ids).toBe("id-1;id-2;");
  });
});
