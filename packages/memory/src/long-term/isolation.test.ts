import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lexicalEmbedder } from "@keel/core/cache";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisPrefix } from "../__fixtures__/redis.js";
import { postgresSchema } from "../__fixtures__/services.js";
import { PostgresStateStore } from "../node/postgres-state-store.js";
import { RedisStateStore } from "../node/redis-state-store.js";
import { SqliteStateStore } from "../node/sqlite-state-store.js";
import { freshTenant } from "../persistent/__fixtures__/state-store-contract.js";
import { InMemoryStateStore } from "../persistent/in-memory-state-store.js";
import type { StateStore } from "../persistent/state-store.js";
import type { Scope } from "../scope.js";
import { LongTermMemory } from "./long-term-memory.js";

const stores: Array<[string, () => StateStore]> = [];
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "keel-ltm-isolation-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const { pool, schema, drop } = await postgresSchema();
  cleanups.push(drop);
  const { client, prefix, drop: dropKeys } = await redisPrefix();
  cleanups.push(dropKeys);
  const sqlite = new SqliteStateStore({ database: join(dir, "iso.db") });
  const postgres = new PostgresStateStore({ pool, schema });
  const redis = new RedisStateStore({ client, keyPrefix: prefix });
  cleanups.unshift(() => sqlite.close());
  stores.push(
    ["in-memory", () => new InMemoryStateStore()],
    ["SQLite", () => sqlite],
    ["PostgreSQL", () => postgres],
    ["Redis", () => redis],
  );
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

const WORDS = ["coffee", "berlin", "marathon", "vegan", "cat", "piano", "nurse", "lisbon"];

describe("LongTermMemory isolation (property): no search, list or history returns another tenant's or user's memory", () => {
  for (const name of ["in-memory", "SQLite", "PostgreSQL", "Redis"])
    it(name, async () => {
      const store = stores.find(([n]) => n === name)![1]();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              owner: fc.nat(3),
              kind: fc.constantFrom("fact" as const, "preference" as const, "episode" as const),
              words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }),
              subject: fc.constantFrom("diet", "pet", "city"),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
          fc.nat(3),
          async (memories, queryWords, forgotten) => {
            const t1 = freshTenant();
            const t2 = freshTenant();
            // The same user name in two tenants, two users in one, and a tenant-level scope.
            const owners: Scope[] = [
              { tenant: t1, user: "u" },
              { tenant: t1, user: "v" },
              { tenant: t2, user: "u" },
              { tenant: t2 },
            ];
            const ltm = new LongTermMemory({ store, embedder: lexicalEmbedder() });
            const ids = owners.map(() => new Set<string>());
            for (const m of memories) {
              const r = await ltm.add(owners[m.owner]!, {
                kind: m.kind,
                subject: m.subject,
                content: `${m.owner} ${m.words.join(" ")}`,
              });
              ids[m.owner]!.add(r.record.id);
            }
            await ltm.forget(owners[forgotten]!);
            ids[forgotten]!.clear();
            // A second instance reads only what the store holds.
            const fresh = new LongTermMemory({ store, embedder: lexicalEmbedder() });
            for (const instance of [ltm, fresh])
              for (let o = 0; o < owners.length; o++) {
                const query = queryWords.join(" ");
                const found = [
                  ...(await instance.search(owners[o]!, query, { k: 50, includeInvalid: true })),
                ].map((h) => h.record.id);
                const listed = (await instance.list(owners[o]!, { includeInvalid: true })).map((r) => r.id);
                const history = (await instance.history(owners[o]!, "diet")).map((r) => r.id);
                for (const id of [...found, ...listed, ...history]) expect(ids[o]!.has(id)).toBe(true);
                expect(new Set(listed)).toEqual(ids[o]);
              }
            for (const owner of owners) await ltm.forget(owner);
          },
        ),
        { numRuns: name === "in-memory" ? 25 : 12 },
      );
    }, 60_000);
});
