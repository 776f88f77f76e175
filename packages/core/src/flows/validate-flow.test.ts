import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineFlow } from "./define-flow.js";
import { FlowDefinitionError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";
import { flowProblems } from "./validate-flow.js";

const context = flowContext<{ n: number; text: string }>();
const noop = () => {};

function problemsOf(definition: unknown): string[] {
  try {
    defineFlow(definition as Parameters<typeof defineFlow>[0]);
  } catch (error) {
    expect(error).toBeInstanceOf(FlowDefinitionError);
    expect((error as FlowDefinitionError).code).toBe("flow-definition");
    return (error as FlowDefinitionError).problems;
  }
  throw new Error("the definition was accepted");
}

describe("flow definition checks", () => {
  it("accepts a valid flow", () => {
    const flow = defineFlow({
      id: "ok",
      context,
      initial: "a",
      states: { a: { run: noop, next: "done" }, done: { terminal: true } },
    });
    expect(flow.id).toBe("ok");
  });

  it("rejects a missing or unknown initial state", () => {
    expect(problemsOf({ id: "f", context, states: { done: { terminal: true } } })).toContain(
      "the flow has no `initial` state",
    );
    expect(
      problemsOf({ id: "f", context, initial: "start", states: { done: { terminal: true } } }),
    ).toContain('the initial state "start" is not defined (states: "done")');
  });

  it("rejects transitions to unknown states, wherever they are", () => {
    const problems = problemsOf({
      id: "f",
      context,
      initial: "a",
      states: {
        a: { run: noop, next: [{ to: "ghost", when: () => true }, { to: "done" }], fallback: "phantom" },
        c: { check: noop, onPass: "done", onFail: "a", onEscalate: "nowhere", maxRetries: 1 },
        done: { terminal: true },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'state "a": transition target "ghost" is not defined',
        'state "a": fallback target "phantom" is not defined',
        'state "c": escalate target "nowhere" is not defined',
      ]),
    );
  });

  it("rejects unreachable states and states that cannot finish", () => {
    const problems = problemsOf({
      id: "f",
      context,
      initial: "a",
      states: {
        a: { run: noop, next: [{ to: "loop", when: () => true }, { to: "done" }] },
        loop: { run: noop, next: "loop" },
        island: { run: noop, next: "done" },
        done: { terminal: true },
      },
    });
    expect(problems).toEqual(['unreachable from "a": "island"', 'no path to a terminal state from: "loop"']);
  });

  it("rejects a flow without a terminal state, listing every problem in the message", () => {
    const error = (() => {
      try {
        defineFlow({ id: "f", context, initial: "a", states: { a: { run: noop, next: "a" } } } as never);
      } catch (e) {
        return e as FlowDefinitionError;
      }
    })();
    expect(error?.message).toBe('flow "f" is invalid:\n- the flow has no terminal state (`terminal: true`)');
  });

  it("rejects malformed states", () => {
    const problems = problemsOf({
      id: "",
      context,
      initial: "a",
      maxSteps: 0,
      states: {
        a: { run: "nope", next: [{ to: "done" }, { to: "b" }] },
        b: { run: noop },
        p: { branches: {}, join: noop, next: "done" },
        c: { check: noop, onPass: "done", onFail: "a", maxRetries: -1 },
        t: { truncate: { field: 3, maxTokens: 0 }, next: "done" },
        r: { run: noop, next: "done", retry: 0, timeoutMs: -5 },
        done: { terminal: true, next: "a" },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "the flow needs a non-empty `id`",
        "maxSteps must be a positive integer, got 0",
        'state "a" needs a `run` function',
        'state "a": the transition to "done" has no guard, so the ones after it can never be taken',
        'state "b" has no `next` and is not terminal',
        'state "p" needs at least one branch',
        'state "c" needs `onEscalate` (a state name)',
        'state "c": maxRetries must be an integer >= 0',
        'state "t": truncate needs a `field`',
        'state "t": truncate.maxTokens must be a positive integer',
        'state "r": retry attempts must be an integer >= 1',
        'state "r": timeoutMs must be positive',
        'state "done" is terminal but has `next`',
      ]),
    );
  });

  it("reports nothing for a valid definition", () => {
    expect(
      flowProblems({
        id: "f",
        context: z.object({}),
        initial: "a",
        states: { a: { run: noop, next: "done" }, done: { terminal: true } },
      }),
    ).toEqual([]);
  });

  it("types state names and the context", () => {
    expect(() =>
      defineFlow({
        id: "typed",
        context,
        initial: "a",
        states: {
          a: {
            run: (ctx) => ({ n: ctx.n + 1 }),
            next: [{ to: "b", when: (ctx) => ctx.text !== "" }, { to: "done" }],
          },
          // @ts-expect-error `count` is not a state
          b: { run: noop, next: "count" },
          done: { terminal: true },
        },
      }),
    ).toThrow(FlowDefinitionError);
    defineFlow({
      id: "typed",
      context,
      initial: "a",
      states: {
        // @ts-expect-error `n` is a number, not a text or message list
        a: { truncate: { field: "n", maxTokens: 3 }, next: "done" },
        done: { terminal: true },
      },
    });
  });
});
