import { describeCheckpointStore } from "@keel/core/testing/checkpoint-store";
import type { Redis } from "ioredis";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { redisPrefix } from "../__fixtures__/redis.js";
import { postgresSchema, uniqueName } from "../__fixtures__/services.js";
import { PostgresCheckpointStore } from "./postgres-checkpoint-store.js";
import { RedisCheckpointStore } from "./redis-checkpoint-store.js";

let pool: pg.Pool;
let schema: string;
let dropSchema: () => Promise<void>;
let client: Redis;
let prefix: string;
let dropKeys: () => Promise<void>;
beforeAll(async () => {
  ({ pool, schema, drop: dropSchema } = await postgresSchema());
  ({ client, prefix, drop: dropKeys } = await redisPrefix());
});
afterAll(async () => {
  await dropSchema?.();
  await dropKeys?.();
});

// Each contract test gets its own tables or keys, so runs never see each other's.
describeCheckpointStore("PostgresCheckpointStore", async () => ({
  store: new PostgresCheckpointStore({ pool, schema, tablePrefix: uniqueName("cp") }),
}));

describeCheckpointStore("RedisCheckpointStore", async () => ({
  store: new RedisCheckpointStore({ client, keyPrefix: `${prefix}${uniqueName("cp")}:` }),
}));
