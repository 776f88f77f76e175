import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointStore, SqliteDatabase } from "@keel/core/node";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MigrationError, StoreUnavailableError } from "../errors.js";
import { describeStateStore } from "../persistent/__fixtures__/state-store-contract.js";
import { STATE_STORE_MIGRATIONS } from "./sql-migrations.js";
import { SqliteStateStore } from "./sqlite-state-store.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-memory-sqlite-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeStateStore(
  "SqliteStateStore (file)",
  async () => new SqliteStateStore({ database: join(dir, "contract.db"), maxValueBytes: 64 * 1024 }),
);

describe("SqliteStateStore", () => {
  it("shares one SqliteDatabase with core's SqliteCheckpointStore", async () => {
    const database = new SqliteDatabase(join(dir, "shared.db"));
    const state = new SqliteStateStore({ database });
    const flows = new SqliteCheckpointStore({ database });
    await state.put({ tenant: "t" }, "k", 1);
    await flows.saveEffect("run", "k", 2);
    const db = await database.get();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual([
      "keel_flow_checkpoints",
      "keel_flow_effects",
      "keel_memory_events",
      "keel_memory_kv",
      "keel_memory_schema_migrations",
      "keel_memory_streams",
    ]);
    await state.close();
    await flows.close();
    expect((await database.get()).open).toBe(true);
    await database.close();
  });

  it("rolls back a migration that fails half-way, with a typed error, leaving schema and data as they were", async () => {
    const file = join(dir, "migrate.db");
    const v1 = new SqliteStateStore({ database: file });
    await v1.put({ tenant: "t" }, "k", "kept");
    expect(await v1.migrate()).toBe(1);
    await v1.close();

    const broken = new SqliteStateStore({
      database: file,
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
    const error = await broken.get({ tenant: "t" }, "k").catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.migration).toBe("add a note column, then fail");
    await broken.close();

    const db = new Database(file);
    const columns = db.prepare("PRAGMA table_info(keel_memory_kv)").all() as Array<{ name: string }>;
    expect(columns.map((c) => c.name)).not.toContain("note");
    expect(db.prepare("SELECT max(version) AS v FROM keel_memory_schema_migrations").get()).toEqual({ v: 1 });
    db.close();
    const again = new SqliteStateStore({ database: file });
    expect(await again.get({ tenant: "t" }, "k")).toMatchObject({ value: "kept", version: 1 });
    await again.close();
  });

  it("applies a later migration once, and a store that went away is a typed error", async () => {
    const raw = new Database(join(dir, "away.db"));
    const store = new SqliteStateStore({
      database: raw,
      migrations: [
        ...STATE_STORE_MIGRATIONS,
        {
          version: 2,
          name: "index by update time",
          statements: ["CREATE INDEX {prefix}kv_updated ON {prefix}kv (updated_at)"],
        },
      ],
    });
    expect(await store.migrate()).toBe(2);
    expect(await store.migrate()).toBe(2);
    await store.put({ tenant: "t" }, "k", 1);
    raw.close();
    await expect(store.put({ tenant: "t" }, "k", 2)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get({ tenant: "t" }, "k")).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
