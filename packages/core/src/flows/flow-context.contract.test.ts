import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineFlow } from "./define-flow.js";
import { FlowRunError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";

describe("a flow's context checks", () => {
  it("refuses a null input as not an object", async () => {
    const flow = defineFlow({
      id: "null-input",
      context: flowContext<{ n?: number }>(),
      initial: "done",
      states: { done: { terminal: true } },
    });
    await expect(flow.run(null as never)).rejects.toMatchObject({
      reason: "invalid-context",
      message: expect.stringContaining("is not an object"),
    });
  });

  it("keeps the context when a step returns nothing or null", async () => {
    const flow = defineFlow({
      id: "no-patch",
      context: flowContext<{ n: number }>(),
      initial: "a",
      states: {
        a: { run: () => undefined, next: "b" },
        b: { run: () => null as never, next: "done" },
        done: { terminal: true },
      },
    });
    expect((await flow.run({ n: 1 })).context).toEqual({ n: 1 });
  });

  it("names an array patch as an array", async () => {
    const flow = defineFlow({
      id: "array-patch",
      context: flowContext<{ n?: number }>(),
      initial: "a",
      states: { a: { run: () => [1] as never, next: "done" }, done: { terminal: true } },
    });
    const error = await flow.run({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowRunError);
    expect(error).toMatchObject({ reason: "invalid-context" });
    expect((error as Error).message).toContain(
      'state "a" returned an array instead of a context patch (an object or nothing)',
    );
  });

  it("keeps the serialization error as the cause of a context that is not JSON", async () => {
    const flow = defineFlow({
      id: "bigint",
      context: flowContext<{ when?: unknown }>(),
      initial: "done",
      states: { done: { terminal: true } },
    });
    const error = await flow.run({ when: 1n }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "invalid-context" });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("lists each schema issue by path, the context's root as (root)", async () => {
    const Ctx = z
      .object({ a: z.object({ b: z.string() }).optional(), n: z.number() })
      .refine((c) => c.n > 0, "n must be positive");
    const flow = defineFlow({
      id: "issues",
      context: Ctx,
      initial: "a",
      states: {
        a: { run: () => ({ n: -1 }), next: "b" },
        b: { run: () => ({ a: { b: 1 as never }, n: 1 }), next: "done" },
        done: { terminal: true },
      },
    });
    await expect(flow.run({ n: 1 })).rejects.toMatchObject({
      message: expect.stringContaining(
        'the context after state "a" does not match the context schema: (root): n must be positive',
      ),
    });
    const nested = defineFlow({
      id: "nested",
      context: Ctx,
      initial: "b",
      states: { b: { run: () => ({ a: { b: 1 as never } }), next: "done" }, done: { terminal: true } },
    });
    await expect(nested.run({ n: 1 })).rejects.toMatchObject({
      message: expect.stringMatching(/does not match the context schema: a\.b: [^;]+$/),
    });
  });

  it("joins several schema issues with semicolons and keeps zod's error as the cause", async () => {
    const flow = defineFlow({
      id: "two-issues",
      context: z.object({ a: z.string(), b: z.string() }),
      initial: "done",
      states: { done: { terminal: true } },
    });
    const error = await flow.run({ a: 1, b: 2 } as never).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/: a: [^;]+; b: [^;]+$/);
    expect((error as Error).cause).toBeInstanceOf(z.ZodError);
  });

  it("retries a step whose result does not match the schema, since the next attempt may match", async () => {
    let calls = 0;
    const run = vi.fn(() => ({ n: ++calls === 1 ? "one" : 2 }) as never);
    const flow = defineFlow({
      id: "retry-invalid",
      context: z.object({ n: z.number() }),
      initial: "a",
      states: { a: { run, next: "done", retry: { attempts: 2, delayMs: 0 } }, done: { terminal: true } },
    });
    expect((await flow.run({ n: 0 })).context).toEqual({ n: 2 });
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("keeps the schema's parsed value (defaults filled in), not the raw patch", async () => {
    const flow = defineFlow({
      id: "defaults",
      context: z.object({ n: z.number(), tags: z.array(z.string()).default([]) }),
      initial: "a",
      states: { a: { run: () => ({ n: 2 }), next: "done" }, done: { terminal: true } },
    });
    expect((await flow.run({ n: 1 } as never)).context).toEqual({ n: 2, tags: [] });
  });
});
