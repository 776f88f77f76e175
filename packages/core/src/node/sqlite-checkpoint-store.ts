import type { CheckpointStore, EffectRecord, FlowCheckpoint, RunFilter } from "../flows/checkpoint-store.js";
import {
  checkTablePrefix,
  type SqliteConnection,
  SqliteDatabase,
  type SqliteSource,
} from "./sqlite-database.js";

/** Options of `SqliteCheckpointStore`. */
export interface SqliteCheckpointStoreOptions {
  /** A file path (opened with better-sqlite3, WAL mode), an open better-sqlite3 database, or a `SqliteDatabase` shared with other stores. */
  database: SqliteSource | SqliteDatabase;
  /** Prefix of the two tables created. Default `keel_flow_`. */
  tablePrefix?: string;
}

/**
 * Keeps checkpoints and effect records in SQLite (better-sqlite3, loaded on first use). Each
 * call is one committed transaction, so a crash loses nothing that was acknowledged.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  readonly #database: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #prefix: string;
  #ready: Promise<SqliteConnection> | undefined;

  constructor(options: SqliteCheckpointStoreOptions) {
    this.#prefix = checkTablePrefix(options.tablePrefix ?? "keel_flow_");
    this.#ownsDatabase = !(options.database instanceof SqliteDatabase);
    this.#database =
      options.database instanceof SqliteDatabase ? options.database : new SqliteDatabase(options.database);
  }

  async save(checkpoint: FlowCheckpoint): Promise<void> {
    const db = await this.#open();
    db.prepare(
      `INSERT INTO ${this.#prefix}checkpoints (run_id, flow_id, status, data, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET flow_id = excluded.flow_id, status = excluded.status,
         data = excluded.data, updated_at = excluded.updated_at`,
    ).run(
      checkpoint.runId,
      checkpoint.flowId,
      checkpoint.status,
      JSON.stringify(checkpoint),
      checkpoint.updatedAt,
    );
  }

  async load(runId: string): Promise<FlowCheckpoint | undefined> {
    const db = await this.#open();
    const row = db.prepare(`SELECT data FROM ${this.#prefix}checkpoints WHERE run_id = ?`).get(runId) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as FlowCheckpoint) : undefined;
  }

  async loadEffect(runId: string, key: string): Promise<EffectRecord | undefined> {
    const db = await this.#open();
    const row = db
      .prepare(`SELECT value FROM ${this.#prefix}effects WHERE run_id = ? AND key = ?`)
      .get(runId, key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as EffectRecord) : undefined;
  }

  async saveEffect(runId: string, key: string, value: unknown): Promise<void> {
    const db = await this.#open();
    db.prepare(
      `INSERT INTO ${this.#prefix}effects (run_id, key, value) VALUES (?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
    ).run(runId, key, JSON.stringify({ value }));
  }

  async delete(runId: string): Promise<void> {
    const db = await this.#open();
    db.transaction(() => {
      db.prepare(`DELETE FROM ${this.#prefix}checkpoints WHERE run_id = ?`).run(runId);
      db.prepare(`DELETE FROM ${this.#prefix}effects WHERE run_id = ?`).run(runId);
    })();
  }

  async listRuns(filter: RunFilter = {}): Promise<string[]> {
    const db = await this.#open();
    const rows = db
      .prepare(
        `SELECT run_id FROM ${this.#prefix}checkpoints
         WHERE (@flowId IS NULL OR flow_id = @flowId) AND (@status IS NULL OR status = @status) ORDER BY run_id`,
      )
      .all({ flowId: filter.flowId ?? null, status: filter.status ?? null }) as Array<{ run_id: string }>;
    return rows.map((r) => r.run_id);
  }

  /** Closes the database if this store opened it (a shared `SqliteDatabase` stays open). */
  async close(): Promise<void> {
    this.#ready = undefined;
    if (this.#ownsDatabase) await this.#database.close();
  }

  #open(): Promise<SqliteConnection> {
    this.#ready ??= this.#database.get().then((db) => {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${this.#prefix}checkpoints (
           run_id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, status TEXT NOT NULL,
           data TEXT NOT NULL, updated_at INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS ${this.#prefix}effects (
           run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));`,
      );
      return db;
    });
    return this.#ready;
  }
}
