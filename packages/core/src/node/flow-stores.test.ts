import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { describeCheckpointStore, sampleCheckpoint } from "../testing/checkpoint-store-contract.js";
import { FileCheckpointStore } from "./file-checkpoint-store.js";
import { SqliteCheckpointStore } from "./sqlite-checkpoint-store.js";

async function tempDir(): Promise<{ dir: string; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "keel-flow-store-"));
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}

describeCheckpointStore("FileCheckpointStore", async () => {
  const { dir, close } = await tempDir();
  return { store: new FileCheckpointStore({ directory: join(dir, "runs") }), close };
});

describeCheckpointStore("SqliteCheckpointStore (file)", async () => {
  const { dir, close } = await tempDir();
  const store = new SqliteCheckpointStore({ database: join(dir, "flows.db") });
  const closeAll = async () => {
    await store.close();
    await close();
  };
  return { store, close: closeAll };
});

describeCheckpointStore("SqliteCheckpointStore (given database)", async () => {
  const db = new Database(":memory:");
  return {
    store: new SqliteCheckpointStore({ database: db, tablePrefix: "t_" }),
    close: () => void db.close(),
  };
});

describe("durable stores", () => {
  it("are read back by a fresh store on the same file or directory", async () => {
    const { dir, close } = await tempDir();
    try {
      const sqlite = new SqliteCheckpointStore({ database: join(dir, "flows.db") });
      await sqlite.save(sampleCheckpoint());
      await sqlite.saveEffect("run-1", "k", [1]);
      await sqlite.close();
      const reopened = new SqliteCheckpointStore({ database: join(dir, "flows.db") });
      expect(await reopened.load("run-1")).toEqual(sampleCheckpoint());
      expect(await reopened.loadEffect("run-1", "k")).toEqual({ value: [1] });
      await reopened.close();

      await new FileCheckpointStore({ directory: dir }).save(sampleCheckpoint({ runId: "../escape" }));
      expect(await new FileCheckpointStore({ directory: dir }).load("../escape")).toMatchObject({
        runId: "../escape",
      });
    } finally {
      await close();
    }
  });

  it("rejects unsafe table prefixes", () => {
    expect(() => new SqliteCheckpointStore({ database: ":memory:", tablePrefix: "x; DROP" })).toThrow(
      /tablePrefix/,
    );
  });
});
