import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { sampleCheckpoint } from "../testing/checkpoint-store-contract.js";
import { SqliteCheckpointStore } from "./sqlite-checkpoint-store.js";
import { checkTablePrefix, SqliteDatabase } from "./sqlite-database.js";

describe("SqliteDatabase", () => {
  it("is shared by stores, opened in WAL mode with full sync, and outlives a store's close", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keel-sqlite-db-"));
    try {
      const database = new SqliteDatabase(join(dir, "one.db"));
      const a = new SqliteCheckpointStore({ database, tablePrefix: "a_" });
      const b = new SqliteCheckpointStore({ database, tablePrefix: "b_" });
      await a.save(sampleCheckpoint());
      await a.close();
      await b.save(sampleCheckpoint({ runId: "run-2" }));
      const db = await database.get();
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(2);
      expect(await a.load("run-1")).toEqual(sampleCheckpoint());
      expect(await b.listRuns()).toEqual(["run-2"]);
      await database.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects an empty path and table prefixes that are not plain identifiers", () => {
    expect(() => new SqliteDatabase("")).toThrow(InvalidRequestError);
    expect(() => checkTablePrefix("x; DROP TABLE t")).toThrow(InvalidRequestError);
    expect(() => checkTablePrefix("1x")).toThrow(InvalidRequestError);
    expect(checkTablePrefix("keel_")).toBe("keel_");
  });
});
