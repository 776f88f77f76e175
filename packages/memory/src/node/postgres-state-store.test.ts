import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_URL, postgresSchema } from "../__fixtures__/services.js";
import { MigrationError, StoreUnavailableError } from "../errors.js";
import { describeStateStore } from "../persistent/__fixtures__/state-store-contract.js";
import { PostgresStateStore } from "./postgres-state-store.js";
import { STATE_STORE_MIGRATIONS } from "./sql-migrations.js";

let schema: string;
let pool: pg.Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ schema, pool, drop } = await postgresSchema());
});
afterAll(async () => {
  await drop?.();
});

describeStateStore(
  "PostgresStateStore",
  async () => new PostgresStateStore({ pool, schema, maxValueBytes: 64 * 1024 }),
);

describe("PostgresStateStore", () => {
  it("opens its own pool from a connection string and ends it on close", async () => {
    const store = new PostgresStateStore({ connectionString: POSTGRES_URL, schema, tablePrefix: "own_" });
    await store.put({ tenant: "t", user: "u" }, "k", { a: 1 });
    expect((await store.get({ tenant: "t", user: "u" }, "k"))!.value).toEqual({ a: 1 });
    expect(await store.migrate()).toBe(1);
    await store.close();
  });

  it("rolls back a migration that fails half-way, with a typed error, leaving schema and data as they were", async () => {
    const v1 = new PostgresStateStore({ pool, schema, tablePrefix: "mig_" });
    await v1.put({ tenant: "t" }, "k", "kept");
    const broken = new PostgresStateStore({
      pool,
      schema,
      tablePrefix: "mig_",
      migrations: [
        ...STATE_STORE_MIGRATIONS,
        {
          version: 2,
          name: "add a note column, then fail",
          statements: [
            "ALTER TABLE {prefix}kv ADD COLUMN note TEXT",
            "UPDATE {prefix}no_such_table SET x = 1",
          ],
        },
      ],
    });
    const error = await broken.put({ tenant: "t" }, "k", "lost").catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    const columns = await pool.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'mig_kv'",
      [schema],
    );
    expect(columns.rows.map((r) => r.column_name)).not.toContain("note");
    expect(await v1.migrate()).toBe(1);
    expect(await v1.get({ tenant: "t" }, "k")).toMatchObject({ value: "kept", version: 1 });
  });

  it("reports a connection killed mid-transaction as StoreUnavailableError and keeps the stream as it was", async () => {
    const store = new PostgresStateStore({ connectionString: POSTGRES_URL, schema, tablePrefix: "away_" });
    const s = { tenant: "t", user: "u" };
    await store.append(s, "log", [{ type: "a", data: 1 }]);
    // Kill this store's backend while an append waits on a row lock held by another transaction.
    const blocker = await pool.connect();
    await blocker.query("BEGIN");
    await blocker.query(`UPDATE "${schema}".away_streams SET last_seq = last_seq WHERE stream = 'log'`);
    const pending = store.append(s, "log", [{ type: "b", data: 2 }]).catch((e) => e);
    let victims = 0;
    for (let i = 0; i < 100 && victims === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const killed = await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE '%away_streams%' AND pid <> pg_backend_pid()`,
      );
      victims = killed.rowCount ?? 0;
    }
    expect(victims).toBe(1);
    expect(await pending).toBeInstanceOf(StoreUnavailableError);
    await blocker.query("ROLLBACK");
    blocker.release();
    expect((await store.read(s, "log")).map((e) => e.data)).toEqual([1]);
    // The pool replaces the dead connection.
    expect((await store.append(s, "log", [{ type: "b", data: 2 }]))[0]!.seq).toBe(2);
    await store.close();
    await expect(store.get(s, "k")).resolves.toBeUndefined();
    await store.close();
  });
});
