import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { defineFlow } from "../flows/define-flow.js";
import { flowContext } from "../flows/flow-types.js";
import { flowTool } from "./flow-tool.js";

const context = { toolCallId: "c", signal: new AbortController().signal, messages: [], step: 1 };

describe("flowTool", () => {
  it("runs the flow from the tool's input and returns its terminal state and context", async () => {
    const flow = defineFlow({
      id: "double",
      context: z.object({ n: z.number() }),
      initial: "go",
      states: { go: { run: (ctx) => ({ n: ctx.n * 2 }), next: "end" }, end: { terminal: true } },
    });
    const t = flowTool({ flow, description: "Doubles n." });
    expect(t.name).toBe("double");
    expect(await t.input.safeParseAsync({ n: "x" })).toMatchObject({ success: false });
    expect(await t.execute({ n: 2 }, context)).toEqual({ state: "end", context: { n: 4 } });
  });

  it("needs an input schema when the flow declares its context by type only", () => {
    const flow = defineFlow({
      id: "typed",
      context: flowContext<{ n: number }>(),
      initial: "end",
      states: { end: { terminal: true } },
    });
    expect(() => flowTool({ flow })).toThrow(InvalidRequestError);
    expect(flowTool({ flow, input: z.object({ n: z.number() }) }).name).toBe("typed");
  });
});
