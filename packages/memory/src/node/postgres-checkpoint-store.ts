import type { CheckpointStore, EffectRecord, FlowCheckpoint, RunFilter } from "@keel/core/flows";
import { PostgresConnection, type PostgresConnectionOptions } from "./postgres-connection.js";
import type { SqlMigration } from "./sql-migrations.js";

/** The checkpoint store's schema, in order. */
export const CHECKPOINT_STORE_MIGRATIONS: readonly SqlMigration[] = Object.freeze([
  {
    version: 1,
    name: "checkpoints and effects",
    statements: [
      `CREATE TABLE {prefix}checkpoints (
         run_id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, status TEXT NOT NULL,
         data TEXT NOT NULL, updated_at BIGINT NOT NULL)`,
      `CREATE TABLE {prefix}effects (
         run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key))`,
    ],
  },
]);

/** Options of `PostgresCheckpointStore`. */
export interface PostgresCheckpointStoreOptions extends PostgresConnectionOptions {
  /** Default `keel_flow_`. */
  tablePrefix?: string;
}

/**
 * Keeps flow checkpoints and effect records in PostgreSQL (`pg`), for flows that resume on
 * another replica. Each call is one committed statement or transaction.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  readonly #pg: PostgresConnection;

  constructor(options: PostgresCheckpointStoreOptions) {
    this.#pg = new PostgresConnection(options, "keel_flow_", CHECKPOINT_STORE_MIGRATIONS);
  }

  async save(checkpoint: FlowCheckpoint): Promise<void> {
    await this.#pg.query(
      `INSERT INTO ${this.#pg.prefix}checkpoints (run_id, flow_id, status, data, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id) DO UPDATE SET flow_id = excluded.flow_id, status = excluded.status,
         data = excluded.data, updated_at = excluded.updated_at`,
      [
        checkpoint.runId,
        checkpoint.flowId,
        checkpoint.status,
        JSON.stringify(checkpoint),
        checkpoint.updatedAt,
      ],
    );
  }

  async load(runId: string): Promise<FlowCheckpoint | undefined> {
    const rows = await this.#pg.query<{ data: string }>(
      `SELECT data FROM ${this.#pg.prefix}checkpoints WHERE run_id = $1`,
      [runId],
    );
    return rows[0] ? (JSON.parse(rows[0].data) as FlowCheckpoint) : undefined;
  }

  async loadEffect(runId: string, key: string): Promise<EffectRecord | undefined> {
    const rows = await this.#pg.query<{ value: string }>(
      `SELECT value FROM ${this.#pg.prefix}effects WHERE run_id = $1 AND key = $2`,
      [runId, key],
    );
    return rows[0] ? (JSON.parse(rows[0].value) as EffectRecord) : undefined;
  }

  async saveEffect(runId: string, key: string, value: unknown): Promise<void> {
    await this.#pg.query(
      `INSERT INTO ${this.#pg.prefix}effects (run_id, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
      [runId, key, JSON.stringify({ value })],
    );
  }

  async delete(runId: string): Promise<void> {
    await this.#pg.transaction(async (client) => {
      await client.query(`DELETE FROM ${this.#pg.prefix}checkpoints WHERE run_id = $1`, [runId]);
      await client.query(`DELETE FROM ${this.#pg.prefix}effects WHERE run_id = $1`, [runId]);
    });
  }

  async listRuns(filter: RunFilter = {}): Promise<string[]> {
    const rows = await this.#pg.query<{ run_id: string }>(
      `SELECT run_id FROM ${this.#pg.prefix}checkpoints
       WHERE ($1::text IS NULL OR flow_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY run_id COLLATE "C"`,
      [filter.flowId ?? null, filter.status ?? null],
    );
    return rows.map((r) => r.run_id);
  }

  /** Ends the pool if this store opened it. */
  async close(): Promise<void> {
    await this.#pg.close();
  }
}
