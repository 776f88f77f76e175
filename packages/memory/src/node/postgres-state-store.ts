import { VersionConflictError } from "../errors.js";
import {
  checkLimit,
  checkMaxBytes,
  checkSeq,
  checkWriteOptions,
  encodeEvents,
  encodeValue,
} from "../persistent/encode.js";
import type {
  AppendOptions,
  ListOptions,
  NewEvent,
  ReadOptions,
  StateStore,
  StoredEvent,
  StoredValue,
  WriteOptions,
} from "../persistent/state-store.js";
import { checkKey, resolveScope, type Scope } from "../scope.js";
import { PostgresConnection, type PostgresConnectionOptions } from "./postgres-connection.js";
import { type SqlMigration, STATE_STORE_MIGRATIONS } from "./sql-migrations.js";

/** Options of `PostgresStateStore`. */
export interface PostgresStateStoreOptions extends PostgresConnectionOptions {
  /** Default `keel_memory_`. */
  tablePrefix?: string;
  /** Largest value (or event batch) as UTF-8 JSON. Default 1 MiB. */
  maxValueBytes?: number;
  /** The schema, applied in order on first use. Default `STATE_STORE_MIGRATIONS`. */
  migrations?: readonly SqlMigration[];
  now?: () => number;
}

type Row = { key: string; value: string; version: string; updated_at: string };

/**
 * A `StateStore` in PostgreSQL (`pg`). Each write is one statement or one transaction, committed
 * before it resolves; conditional writes compare versions in the same statement (or under the
 * stream's row lock), so concurrent writers from any number of processes never lose an update.
 */
export class PostgresStateStore implements StateStore {
  readonly #pg: PostgresConnection;
  readonly #maxBytes: number;
  readonly #now: () => number;

  constructor(options: PostgresStateStoreOptions) {
    this.#pg = new PostgresConnection(options, "keel_memory_", options.migrations ?? STATE_STORE_MIGRATIONS);
    this.#maxBytes = checkMaxBytes(options.maxValueBytes);
    this.#now = options.now ?? Date.now;
  }

  /** Applies the schema migrations not yet applied (also done on first use); returns the schema version. */
  async migrate(): Promise<number> {
    await this.#pg.migrate();
    return this.#pg.version();
  }

  async get<T>(scope: Scope, key: string): Promise<StoredValue<T> | undefined> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    const rows = await this.#pg.query<Row>(
      `SELECT key, value, version, updated_at FROM ${this.#pg.prefix}kv WHERE tenant = $1 AND user_id = $2 AND key = $3`,
      [tenant, user, key],
    );
    return rows[0] && toValue<T>(rows[0]);
  }

  async put<T>(scope: Scope, key: string, value: T, options?: WriteOptions): Promise<StoredValue<T>> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    const json = encodeValue(value, this.#maxBytes);
    const at = this.#now();
    const kv = `${this.#pg.prefix}kv`;
    const args = [tenant, user, key, json, at];
    let rows: Array<{ version: string }>;
    if (expected === undefined)
      rows = await this.#pg.query(
        `INSERT INTO ${kv} AS kv (tenant, user_id, key, value, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)
         ON CONFLICT (tenant, user_id, key) DO UPDATE SET value = excluded.value,
           version = kv.version + 1, updated_at = excluded.updated_at RETURNING version`,
        args,
      );
    else if (expected === 0)
      rows = await this.#pg.query(
        `INSERT INTO ${kv} (tenant, user_id, key, value, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)
         ON CONFLICT (tenant, user_id, key) DO NOTHING RETURNING version`,
        args,
      );
    else
      rows = await this.#pg.query(
        `UPDATE ${kv} SET value = $4, version = version + 1, updated_at = $5
         WHERE tenant = $1 AND user_id = $2 AND key = $3 AND version = $6 RETURNING version`,
        [...args, expected],
      );
    if (!rows[0])
      throw new VersionConflictError(`put "${key}"`, expected!, await this.#versionOf(tenant, user, key));
    return { key, value: JSON.parse(json) as T, version: Number(rows[0].version), updatedAt: at };
  }

  async delete(scope: Scope, key: string, options?: WriteOptions): Promise<boolean> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    if (expected === 0) {
      const found = await this.#versionOf(tenant, user, key);
      if (found !== 0) throw new VersionConflictError(`delete "${key}"`, 0, found);
      return false;
    }
    const rows = await this.#pg.query(
      `DELETE FROM ${this.#pg.prefix}kv WHERE tenant = $1 AND user_id = $2 AND key = $3
       AND ($4::bigint IS NULL OR version = $4) RETURNING version`,
      [tenant, user, key, expected ?? null],
    );
    if (rows.length === 0 && expected !== undefined)
      throw new VersionConflictError(`delete "${key}"`, expected, await this.#versionOf(tenant, user, key));
    return rows.length > 0;
  }

  async list<T>(scope: Scope, options?: ListOptions): Promise<StoredValue<T>[]> {
    const { tenant, user } = resolveScope(scope);
    const limit = checkLimit(options);
    const rows = await this.#pg.query<Row>(
      `SELECT key, value, version, updated_at FROM ${this.#pg.prefix}kv
       WHERE tenant = $1 AND user_id = $2 AND starts_with(key, $3)
       ORDER BY key COLLATE "C" LIMIT $4`,
      [tenant, user, options?.prefix ?? "", limit ?? null],
    );
    return rows.map((r) => toValue<T>(r));
  }

  async append<T>(
    scope: Scope,
    stream: string,
    events: NewEvent<T>[],
    options?: AppendOptions,
  ): Promise<StoredEvent<T>[]> {
    const { tenant, user } = resolveScope(scope);
    checkKey(stream, "stream");
    const expected = checkSeq(options?.expectedSeq, "expectedSeq");
    const encoded = encodeEvents(events, this.#maxBytes);
    const p = this.#pg.prefix;
    const n = encoded.length;
    const at = this.#now();
    return this.#pg.transaction(async (client) => {
      const args = [tenant, user, stream, n];
      // The stream's row is the lock that serializes appenders and numbers their events.
      const claimed =
        expected === undefined
          ? await client.query(
              `INSERT INTO ${p}streams AS s (tenant, user_id, stream, last_seq) VALUES ($1, $2, $3, $4)
               ON CONFLICT (tenant, user_id, stream) DO UPDATE SET last_seq = s.last_seq + $4 RETURNING last_seq`,
              args,
            )
          : expected === 0
            ? await client.query(
                `INSERT INTO ${p}streams (tenant, user_id, stream, last_seq) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant, user_id, stream) DO NOTHING RETURNING last_seq`,
                args,
              )
            : await client.query(
                `UPDATE ${p}streams SET last_seq = last_seq + $4
                 WHERE tenant = $1 AND user_id = $2 AND stream = $3 AND last_seq = $5 RETURNING last_seq`,
                [...args, expected],
              );
      if (!claimed.rows[0]) {
        const found = await client.query(
          `SELECT last_seq FROM ${p}streams WHERE tenant = $1 AND user_id = $2 AND stream = $3`,
          [tenant, user, stream],
        );
        throw new VersionConflictError(
          `append to "${stream}"`,
          expected!,
          Number(found.rows[0]?.last_seq ?? 0),
        );
      }
      const first = Number(claimed.rows[0].last_seq) - n + 1;
      await client.query(
        `INSERT INTO ${p}events (tenant, user_id, stream, seq, type, data, at)
         SELECT $1, $2, $3, $4::bigint + i - 1, t, d, $5 FROM unnest($6::text[], $7::text[]) WITH ORDINALITY AS e(t, d, i)`,
        [tenant, user, stream, first, at, encoded.map((e) => e.type), encoded.map((e) => e.data)],
      );
      return encoded.map((e, i) => ({
        stream,
        seq: first + i,
        type: e.type,
        data: JSON.parse(e.data) as T,
        at,
      }));
    });
  }

  async read<T>(scope: Scope, stream: string, options?: ReadOptions): Promise<StoredEvent<T>[]> {
    const { tenant, user } = resolveScope(scope);
    checkKey(stream, "stream");
    const after = checkSeq(options?.after, "after") ?? 0;
    const limit = checkLimit(options);
    const rows = await this.#pg.query<{ seq: string; type: string; data: string; at: string }>(
      `SELECT seq, type, data, at FROM ${this.#pg.prefix}events
       WHERE tenant = $1 AND user_id = $2 AND stream = $3 AND seq > $4 ORDER BY seq LIMIT $5`,
      [tenant, user, stream, after, limit ?? null],
    );
    return rows.map((r) => ({
      stream,
      seq: Number(r.seq),
      type: r.type,
      data: JSON.parse(r.data) as T,
      at: Number(r.at),
    }));
  }

  async forget(scope: Scope): Promise<void> {
    const { tenant, user } = resolveScope(scope);
    const p = this.#pg.prefix;
    await this.#pg.transaction(async (client) => {
      for (const table of ["kv", "streams", "events"])
        await client.query(`DELETE FROM ${p}${table} WHERE tenant = $1 AND user_id = $2`, [tenant, user]);
    });
  }

  /** Ends the pool if this store opened it. */
  async close(): Promise<void> {
    await this.#pg.close();
  }

  async #versionOf(tenant: string, user: string, key: string): Promise<number> {
    const rows = await this.#pg.query<{ version: string }>(
      `SELECT version FROM ${this.#pg.prefix}kv WHERE tenant = $1 AND user_id = $2 AND key = $3`,
      [tenant, user, key],
    );
    return Number(rows[0]?.version ?? 0);
  }
}

function toValue<T>(row: Row): StoredValue<T> {
  return {
    key: row.key,
    value: JSON.parse(row.value) as T,
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
  };
}
