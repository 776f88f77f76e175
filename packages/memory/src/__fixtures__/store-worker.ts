/**
 * Child process of the durability and concurrency tests, bundled by `worker-bundle.ts`.
 *
 *   durability: for each store named (`--store sqlite,postgres,redis`), at once, writes key i and
 *               appends event i in a loop, printing `<store> put i` / `<store> append i` after
 *               each resolves, until it is SIGKILLed; so one kill lands mid-write in every store.
 *   increment:  adds 1 to a shared counter `count` times with optimistic concurrency (read,
 *               write with expectedVersion, retry on VersionConflictError), then appends `count`
 *               events with expectedSeq the same way, starting when told on stdin; prints
 *               `done <conflicts>`.
 */
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { VersionConflictError } from "../errors.js";
import { PostgresStateStore } from "../node/postgres-state-store.js";
import { RedisStateStore } from "../node/redis-state-store.js";
import { SqliteStateStore } from "../node/sqlite-state-store.js";
import type { StateStore } from "../persistent/state-store.js";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    sqlite: { type: "string" },
    postgres: { type: "string" },
    schema: { type: "string" },
    redis: { type: "string" },
    prefix: { type: "string" },
    mode: { type: "string" },
    tenant: { type: "string" },
    id: { type: "string", default: "0" },
    count: { type: "string", default: "50" },
  },
});

function open(kind: string): StateStore {
  if (kind === "sqlite") return new SqliteStateStore({ database: values.sqlite! });
  if (kind === "postgres")
    return new PostgresStateStore({ connectionString: values.postgres!, schema: values.schema! });
  if (kind === "redis") return new RedisStateStore({ url: values.redis!, keyPrefix: values.prefix! });
  throw new Error(`unknown store ${kind}`);
}

const say = (line: string) => writeSync(1, `${line}\n`);
const scope = { tenant: values.tenant!, user: "writer" };

async function durability(): Promise<void> {
  const stores = values.store!.split(",").map((kind) => ({ kind, store: open(kind) }));
  await Promise.all(stores.map(({ store }) => store.get(scope, "warm-up")));
  say("ready");
  // A payload of some size makes a kill land inside a write more often.
  const pad = "x".repeat(512);
  await Promise.all(
    stores.map(async ({ kind, store }) => {
      for (let i = 1; ; i++) {
        await store.put(scope, `k${i}`, { i, pad });
        say(`${kind} put ${i}`);
        await store.append(scope, "log", [{ type: "w", data: i }]);
        say(`${kind} append ${i}`);
        // better-sqlite3 resolves at once; yield so the other stores' loops get their turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
}

/** Resolves when the parent writes a line to stdin, so that all racers start together. */
function go(): Promise<void> {
  return new Promise((resolve) => process.stdin.once("data", () => resolve()));
}

async function increment(): Promise<void> {
  const store = open(values.store!);
  await store.get(scope, "warm-up");
  say("ready");
  await go();
  const count = Number(values.count);
  let conflicts = 0;
  for (let done = 0; done < count; ) {
    const current = await store.get<number>(scope, "counter");
    // Some work between read and write, as an application has; it widens the race window.
    await new Promise((resolve) => setTimeout(resolve, 1));
    try {
      await store.put(scope, "counter", (current?.value ?? 0) + 1, {
        expectedVersion: current?.version ?? 0,
      });
      done++;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      conflicts++;
    }
  }
  for (let done = 0; done < count; ) {
    const last = (await store.read(scope, "log")).length;
    await new Promise((resolve) => setTimeout(resolve, 1));
    try {
      await store.append(scope, "log", [{ type: "e", data: `${values.id}:${done}` }], { expectedSeq: last });
      done++;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      conflicts++;
    }
  }
  await store.close();
  say(`done ${conflicts}`);
}

(values.mode === "durability" ? durability() : increment()).catch((error) => {
  say(`error ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
});
