import { AbortedError } from "@keel/core";
import { type CheckpointStore, defineFlow, flowContext, type StepIO } from "@keel/core/flows";
import type { Redis } from "ioredis";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisPrefix } from "../__fixtures__/redis.js";
import { postgresSchema } from "../__fixtures__/services.js";
import { PostgresCheckpointStore } from "./postgres-checkpoint-store.js";
import { RedisCheckpointStore } from "./redis-checkpoint-store.js";

type Ctx = { total: number; receipts: string[] };

/** Three steps that each charge once (a side effect recorded with io.once). */
function chargeFlow(charges: string[], afterCharge?: (stepId: string) => Promise<void> | undefined) {
  const charge = (amount: number) => async (ctx: Ctx, io: StepIO) => {
    const receipt = await io.once("charge", () => {
      charges.push(io.stepId);
      return `r-${io.stepId}`;
    });
    await afterCharge?.(io.stepId);
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

let pool: pg.Pool;
let schema: string;
let client: Redis;
let prefix: string;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  const p = await postgresSchema();
  ({ pool, schema } = p);
  cleanups.push(p.drop);
  const r = await redisPrefix();
  ({ client, prefix } = r);
  cleanups.push(r.drop);
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe("a flow interrupted on one replica resumes on another through the shared store", () => {
  const cases: Array<[string, () => CheckpointStore]> = [
    ["PostgreSQL", () => new PostgresCheckpointStore({ pool, schema, tablePrefix: "resume_" })],
    ["Redis", () => new RedisCheckpointStore({ client, keyPrefix: `${prefix}resume:` })],
  ];
  for (const [name, open] of cases)
    it(name, async () => {
      const charges: string[] = [];
      const controller = new AbortController();
      // Replica A dies in step two, after its charge was recorded but before the step's checkpoint.
      const crashing = chargeFlow(charges, (stepId) => {
        if (stepId !== "two@2") return undefined;
        controller.abort();
        return new Promise(() => {});
      });
      await expect(
        crashing.run(
          { total: 0, receipts: [] },
          { store: open(), runId: "run-1", signal: controller.signal },
        ),
      ).rejects.toBeInstanceOf(AbortedError);

      // Replica B has its own store instance over the same database.
      const replica = open();
      expect(await replica.listRuns!({ status: "running" })).toEqual(["run-1"]);
      const result = await chargeFlow(charges).resume("run-1", { store: replica });
      expect(result).toMatchObject({ resumed: true, state: "done", context: { total: 111 } });
      expect(charges).toEqual(["one@1", "two@2", "three@3"]);
      expect(await replica.listRuns!({ status: "completed" })).toEqual(["run-1"]);
    });
});
