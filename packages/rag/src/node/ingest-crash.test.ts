import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashIngest } from "../__fixtures__/crash-ingest.js";
import { POSTGRES_URL, postgresSchema } from "../__fixtures__/services.js";
import { versionedDocuments } from "../__fixtures__/versioned-documents.js";
import { recursiveChunker } from "../chunkers/recursive-chunker.js";
import { fileIngestJournal } from "./file-journal.js";

const root = resolve(import.meta.dirname, "../../../..");
const child = resolve(import.meta.dirname, "../__fixtures__/ingest-child.ts");

let pool: pg.Pool;
let schema: string;
let drop: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  ({ pool, schema, drop } = await postgresSchema());
  dir = mkdtempSync(join(tmpdir(), "keel-rag-crash-"));
});
afterAll(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

function run(version: number, killAfterUpserts = 0) {
  return spawnSync(process.execPath, ["--conditions=@keel/source", "--import", "tsx", child], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...process.env,
      POSTGRES_URL,
      SCHEMA: schema,
      TABLE: "crash_chunks",
      JOURNAL: join(dir, "journal.jsonl"),
      VERSION: String(version),
      KILL_AFTER_UPSERTS: String(killAfterUpserts),
    },
  });
}

async function stored(): Promise<Map<string, string[]>> {
  const r = await pool.query<{ document_id: string; id: string }>(
    `SELECT document_id, id FROM "${schema}".crash_chunks WHERE tenant = 'crash' ORDER BY id`,
  );
  const out = new Map<string, string[]>();
  for (const row of r.rows) out.set(row.document_id, [...(out.get(row.document_id) ?? []), row.id].sort());
  return out;
}

async function expected(version: number): Promise<Map<string, string[]>> {
  const chunker = recursiveChunker({ chunkSize: 80, overlap: 0 });
  const out = new Map<string, string[]>();
  for (const d of versionedDocuments(version))
    out.set(d.id, (await chunker.chunk(d)).map((c) => c.id).sort());
  return out;
}

describe("ingestion killed with SIGKILL", () => {
  it("finishes on the next run with every document indexed once and whole", async () => {
    const journal = join(dir, "journal.jsonl");
    const settings = { pool, schema, table: "crash_chunks", journal };
    await crashIngest({ ...settings, version: 1 });
    expect(await stored()).toEqual(await expected(1));

    // Version 2, killed right after the second batch's new chunks landed (stale ones still there).
    const killed = run(2, 2);
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(dir, "journal.jsonl"))).toBe(true);
    const pending = await fileIngestJournal(join(dir, "journal.jsonl")).pending("crash");
    expect(pending.size).toBeGreaterThan(0);
    const half = await stored();
    const want = await expected(2);
    expect([...pending].some((id) => JSON.stringify(half.get(id)) !== JSON.stringify(want.get(id)))).toBe(
      true,
    );

    // The next run (here in this process; the journal file is all it shares with the dead one).
    const resumed = await crashIngest({ ...settings, version: 2 });
    expect(resumed.updated.length + resumed.added.length).toBeGreaterThanOrEqual(pending.size);
    expect(await stored()).toEqual(want);
    expect(await fileIngestJournal(join(dir, "journal.jsonl")).pending("crash")).toEqual(new Set());
    const again = await crashIngest({ ...settings, version: 2 });
    expect([again.added, again.updated, again.deleted]).toEqual([[], [], []]);
    expect(again.unchanged).toHaveLength(20);
  });
});
