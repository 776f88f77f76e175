import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killChildren, startChild } from "../__fixtures__/child.js";
import { redisPrefix } from "../__fixtures__/redis.js";
import { POSTGRES_URL, postgresSchema, REDIS_URL } from "../__fixtures__/services.js";
import { bundleStoreWorker } from "../__fixtures__/worker-bundle.js";
import { freshTenant } from "../persistent/__fixtures__/state-store-contract.js";
import type { StateStore } from "../persistent/state-store.js";
import { PostgresStateStore } from "./postgres-state-store.js";
import { RedisStateStore } from "./redis-state-store.js";
import { SqliteStateStore } from "./sqlite-state-store.js";

const PROCESSES = 3;
const COUNT = 20;

let worker: string;
let dir: string;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
  cleanups.push(() => rm(worker, { force: true }));
  dir = await mkdtemp(join(tmpdir(), "keel-memory-concurrency-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
});
afterAll(async () => {
  killChildren();
  for (const c of cleanups.reverse()) await c();
});

/**
 * Runs PROCESSES writer processes that each add 1 to one counter COUNT times and append COUNT
 * events, all with optimistic concurrency (a `VersionConflictError` makes them re-read and retry;
 * any other error fails the worker). No update may be lost and no event duplicated or dropped.
 */
async function race(args: string[], store: StateStore): Promise<number> {
  const tenant = freshTenant();
  const children = Array.from({ length: PROCESSES }, (_, id) =>
    startChild(worker, [
      ...args,
      "--mode",
      "increment",
      "--tenant",
      tenant,
      "--id",
      String(id),
      "--count",
      String(COUNT),
    ]),
  );
  await Promise.all(children.map((c) => c.waitFor((l) => l === "ready")));
  for (const c of children) c.process.stdin!.end("go\n");
  const done = await Promise.all(children.map((c) => c.waitFor((l) => l.startsWith("done "))));
  for (const c of children) expect(await c.exited, c.stderr()).toBe(0);
  const scope = { tenant, user: "writer" };
  expect(await store.get(scope, "counter")).toMatchObject({
    value: PROCESSES * COUNT,
    version: PROCESSES * COUNT,
  });
  const log = await store.read<string>(scope, "log");
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: PROCESSES * COUNT }, (_, i) => i + 1));
  const expected = Array.from({ length: PROCESSES }, (_, id) =>
    Array.from({ length: COUNT }, (_, j) => `${id}:${j}`),
  ).flat();
  expect(log.map((e) => e.data).sort()).toEqual(expected.sort());
  // Each process's own events stay in its order.
  for (let id = 0; id < PROCESSES; id++) {
    const own = log.map((e) => e.data).filter((d) => d.startsWith(`${id}:`));
    expect(own).toEqual(Array.from({ length: COUNT }, (_, j) => `${id}:${j}`));
  }
  // The conflicts the workers met and retried: the race really happened.
  return done.reduce((sum, line) => sum + Number(line.split(" ")[1]), 0);
}

describe(`concurrency: ${PROCESSES} processes racing on one counter and one stream`, () => {
  it("SQLite (one file) loses no update; conflicts are retried as typed errors", async () => {
    const file = join(dir, "race.db");
    const store = new SqliteStateStore({ database: file });
    await store.migrate();
    expect(await race(["--store", "sqlite", "--sqlite", file], store)).toBeGreaterThan(0);
    await store.close();
  }, 300_000);

  it("PostgreSQL loses no update; conflicts are retried as typed errors", async () => {
    const { schema, drop } = await postgresSchema();
    cleanups.push(drop);
    const store = new PostgresStateStore({ connectionString: POSTGRES_URL, schema });
    await store.migrate();
    expect(
      await race(["--store", "postgres", "--postgres", POSTGRES_URL, "--schema", schema], store),
    ).toBeGreaterThan(0);
    await store.close();
  }, 300_000);

  it("Redis loses no update; conflicts are retried as typed errors", async () => {
    const { prefix, drop } = await redisPrefix();
    cleanups.push(drop);
    const store = new RedisStateStore({ url: REDIS_URL, keyPrefix: prefix });
    expect(await race(["--store", "redis", "--redis", REDIS_URL, "--prefix", prefix], store)).toBeGreaterThan(
      0,
    );
    await store.close();
  }, 300_000);
});
