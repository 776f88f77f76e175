import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, killChildren, seededRandom, startChild } from "../__fixtures__/child.js";
import { redisPrefix } from "../__fixtures__/redis.js";
import { POSTGRES_URL, postgresSchema, REDIS_URL } from "../__fixtures__/services.js";
import { bundleStoreWorker } from "../__fixtures__/worker-bundle.js";
import { freshTenant } from "../persistent/__fixtures__/state-store-contract.js";
import type { StateStore } from "../persistent/state-store.js";
import { PostgresStateStore } from "./postgres-state-store.js";
import { RedisStateStore } from "./redis-state-store.js";
import { SqliteStateStore } from "./sqlite-state-store.js";

const TRIALS = 50;
const PARALLEL = 4;
const SEED = Number(process.env.KEEL_DURABILITY_SEED ?? Date.now() % 1_000_000);
const KINDS = ["sqlite", "postgres", "redis"] as const;
type Kind = (typeof KINDS)[number];

let worker: string;
let dir: string;
let args: string[];
let postgres: StateStore;
let redis: StateStore;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
  cleanups.push(() => rm(worker, { force: true }));
  dir = await mkdtemp(join(tmpdir(), "keel-memory-durability-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const { schema, drop } = await postgresSchema();
  cleanups.push(drop);
  const { prefix, drop: dropKeys } = await redisPrefix();
  cleanups.push(dropKeys);
  postgres = new PostgresStateStore({ connectionString: POSTGRES_URL, schema });
  redis = new RedisStateStore({ url: REDIS_URL, keyPrefix: prefix });
  cleanups.unshift(
    () => postgres.close(),
    () => redis.close(),
  );
  args = [
    ...["--store", KINDS.join(",")],
    ...["--postgres", POSTGRES_URL, "--schema", schema, "--redis", REDIS_URL, "--prefix", prefix],
  ];
});
afterAll(async () => {
  killChildren();
  for (const c of cleanups) await c();
});

/** Checks one store after a kill: every acknowledged write is there, whole; at most the one in flight besides. */
async function verify(kind: Kind, store: StateStore, tenant: string, child: Child): Promise<number> {
  const acks = (what: string) =>
    child.lines.filter((l) => l.startsWith(`${kind} ${what} `)).map((l) => Number(l.split(" ")[2]));
  const puts = acks("put");
  const appends = acks("append");
  const scope = { tenant, user: "writer" };
  const stored = await store.list<{ i: number; pad: string }>(scope);
  const byKey = new Map(stored.map((v) => [v.key, v]));
  for (const i of puts) expect(byKey.get(`k${i}`)?.value.i, `${kind}: acknowledged put ${i}`).toBe(i);
  expect(stored.length - puts.length, `${kind}: writes beyond the acknowledged`).toBeLessThanOrEqual(1);
  for (const v of stored) expect(v.value.pad, `${kind}: a torn value`).toHaveLength(512);
  const log = (await store.read<number>(scope, "log")).map((e) => e.data);
  expect(log.slice(0, appends.length), `${kind}: acknowledged appends`).toEqual(appends);
  expect(log.length - appends.length).toBeLessThanOrEqual(1);
  expect(log).toEqual(log.map((_, i) => i + 1));
  return puts.length + appends.length;
}

/** Starts a writer on all three stores, SIGKILLs it after `delayMs`, and verifies each store as reopened. */
async function trial(delayMs: number, n: number): Promise<Record<Kind, number>> {
  const tenant = freshTenant();
  // One SQLite file per trial: trials run in parallel, and one writer's tight loop would starve another's lock.
  const file = join(dir, `trial-${n}.db`);
  const child = startChild(worker, [...args, "--sqlite", file, "--mode", "durability", "--tenant", tenant]);
  // The kill lands at a random moment after every store has acknowledged a write, so it always
  // interrupts a running write loop rather than a process still starting.
  for (const kind of KINDS) await child.waitFor((l) => l === `${kind} append 1`);
  await new Promise((r) => setTimeout(r, delayMs));
  child.process.kill("SIGKILL");
  await child.exited;
  expect(
    child.lines.filter((l) => l.startsWith("error")),
    child.stderr(),
  ).toEqual([]);

  // SQLite is reopened from the file each time: it must recover its WAL and pass an integrity check.
  const db = new Database(file);
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  db.close();
  const sqlite = new SqliteStateStore({ database: file });
  try {
    return {
      sqlite: await verify("sqlite", sqlite, tenant, child),
      postgres: await verify("postgres", postgres, tenant, child),
      redis: await verify("redis", redis, tenant, child),
    };
  } finally {
    await sqlite.close();
  }
}

describe("durability", () => {
  it(`keeps every acknowledged write when the writer is SIGKILLed mid-write: ${TRIALS} trials, each killing writes to SQLite, PostgreSQL and Redis at once (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const delays = Array.from({ length: TRIALS }, () => Math.floor(random() * 40));
    const acknowledged = { sqlite: 0, postgres: 0, redis: 0 };
    // PARALLEL trials are always in flight: a slot starts the next trial as soon as its own
    // ends, rather than every batch waiting for its slowest worker to start.
    let next = 0;
    const slot = async () => {
      for (let n = next++; n < delays.length; n = next++) {
        const r = await trial(delays[n]!, n);
        for (const k of KINDS) acknowledged[k] += r[k];
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, slot));
    for (const k of KINDS) expect(acknowledged[k], `${k}, seed ${SEED}`).toBeGreaterThanOrEqual(2 * TRIALS);
  }, 600_000);
});
