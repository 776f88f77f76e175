import { appendFileSync } from "node:fs";
import { defineFlow } from "../../flows/define-flow.js";
import { flowContext } from "../../flows/flow-types.js";
import type { StepIO } from "../../flows/step-io.js";

/** The context of the crash-test flow. */
export type CrashCtx = { n: number; trail: string[] };

/** Awaited at points where the crash test may kill the process; the test's driver decides. */
export type Barrier = (label: string) => Promise<void>;

/**
 * A flow with a side effect in every step (a line appended to `logPath`, guarded by
 * `io.once`), branches, a loop and an evaluation step that sends it back once.
 */
export function crashFlow(logPath: string, barrier: Barrier) {
  const effect = async (io: StepIO, key = "log") => {
    await io.once(key, () => appendFileSync(logPath, `${io.stepId}\n`));
    await barrier(`effect ${io.stepId}`);
  };
  return defineFlow({
    id: "crash-test",
    context: flowContext<CrashCtx>(),
    initial: "start",
    states: {
      start: {
        run: async (ctx, io) => {
          await effect(io);
          return { n: ctx.n + 1, trail: [...ctx.trail, "start"] };
        },
        next: "fanout",
      },
      fanout: {
        branches: {
          left: async (ctx, io) => {
            await effect(io);
            return ctx.n * 2;
          },
          right: async (ctx, io) => {
            await effect(io);
            return ctx.n * 3;
          },
        },
        // One branch at a time: a kill while one branch pauses must not land inside the other's
        // effect, between the append and its record (the one window `once` cannot close).
        concurrency: 1,
        join: (ctx, r) => ({ n: (r.left as number) + (r.right as number), trail: [...ctx.trail, "fanout"] }),
        next: "work",
      },
      work: {
        run: async (ctx, io) => {
          await effect(io);
          return { n: ctx.n * 7 + 1, trail: [...ctx.trail, `work${io.step}`] };
        },
        next: [{ to: "work", when: (_, info) => info.visits("work") < 3 }, { to: "review" }],
      },
      review: {
        check: async (ctx, io) => {
          await effect(io);
          return { pass: ctx.trail.includes("redo"), feedback: "needs a redo" };
        },
        onPass: "finish",
        onFail: "redo",
        onEscalate: "finish",
        maxRetries: 2,
      },
      redo: {
        run: async (ctx, io) => {
          await effect(io);
          return { n: ctx.n - 3, trail: [...ctx.trail, "redo"] };
        },
        next: "review",
      },
      finish: {
        terminal: true,
        run: async (ctx, io) => {
          await effect(io);
          return { trail: [...ctx.trail, "finish"] };
        },
      },
    },
  });
}
