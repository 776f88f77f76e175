import { InvalidRequestError } from "@keel/core";
import { checkTablePrefix, type SqliteConnection, SqliteDatabase, type SqliteSource } from "@keel/core/node";
import { MigrationError, StoreUnavailableError, VersionConflictError } from "../errors.js";
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
import {
  migrationStatements,
  orderedMigrations,
  type SqlMigration,
  STATE_STORE_MIGRATIONS,
} from "./sql-migrations.js";

/** Options of `SqliteStateStore`. */
export interface SqliteStateStoreOptions {
  /** A file path, an open better-sqlite3 database, or a `SqliteDatabase` shared with other stores (e.g. `SqliteCheckpointStore`). */
  database: SqliteSource | SqliteDatabase;
  /** Prefix of the tables created. Default `keel_memory_`. */
  tablePrefix?: string;
  /** Largest value (or event batch) as UTF-8 JSON. Default 1 MiB. */
  maxValueBytes?: number;
  /** The schema, applied in order on first use. Default `STATE_STORE_MIGRATIONS`. */
  migrations?: readonly SqlMigration[];
  now?: () => number;
}

type Row = { key: string; value: string; version: number; updated_at: number };
type EventRow = { seq: number; type: string; data: string; at: number };

/**
 * A `StateStore` in one SQLite file (better-sqlite3, WAL, every commit fsynced): the embedded
 * default. Several processes may share the file; writes are serialized by SQLite's lock and
 * conditional writes are checked inside the same transaction.
 */
export class SqliteStateStore implements StateStore {
  readonly #database: SqliteDatabase;
  readonly #owns: boolean;
  readonly #prefix: string;
  readonly #maxBytes: number;
  readonly #migrations: readonly SqlMigration[];
  readonly #now: () => number;
  #ready: Promise<SqliteConnection> | undefined;

  constructor(options: SqliteStateStoreOptions) {
    this.#prefix = checkTablePrefix(options.tablePrefix ?? "keel_memory_");
    this.#maxBytes = checkMaxBytes(options.maxValueBytes);
    this.#migrations = orderedMigrations(options.migrations ?? STATE_STORE_MIGRATIONS);
    this.#now = options.now ?? Date.now;
    this.#owns = !(options.database instanceof SqliteDatabase);
    this.#database =
      options.database instanceof SqliteDatabase ? options.database : new SqliteDatabase(options.database);
  }

  /** Applies the schema migrations not yet applied (also done on first use); returns the schema version. */
  async migrate(): Promise<number> {
    const db = await this.#db();
    return this.#version(db);
  }

  async get<T>(scope: Scope, key: string): Promise<StoredValue<T> | undefined> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    return this.#run((db) => {
      const row = db
        .prepare(
          `SELECT key, value, version, updated_at FROM ${this.#prefix}kv WHERE tenant = ? AND user_id = ? AND key = ?`,
        )
        .get(tenant, user, key) as Row | undefined;
      return row && toValue<T>(row);
    });
  }

  async put<T>(scope: Scope, key: string, value: T, options?: WriteOptions): Promise<StoredValue<T>> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    const json = encodeValue(value, this.#maxBytes);
    const p = this.#prefix;
    return this.#run((db) =>
      db
        .transaction(() => {
          const current = db
            .prepare(`SELECT version FROM ${p}kv WHERE tenant = ? AND user_id = ? AND key = ?`)
            .get(tenant, user, key) as { version: number } | undefined;
          const found = current?.version ?? 0;
          if (expected !== undefined && found !== expected)
            throw new VersionConflictError(`put "${key}"`, expected, found);
          const updatedAt = this.#now();
          db.prepare(
            `INSERT INTO ${p}kv (tenant, user_id, key, value, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant, user_id, key) DO UPDATE SET value = excluded.value,
               version = excluded.version, updated_at = excluded.updated_at`,
          ).run(tenant, user, key, json, found + 1, updatedAt);
          return { key, value: JSON.parse(json) as T, version: found + 1, updatedAt };
        })
        .immediate(),
    );
  }

  async delete(scope: Scope, key: string, options?: WriteOptions): Promise<boolean> {
    const { tenant, user } = resolveScope(scope);
    checkKey(key);
    const expected = checkWriteOptions(options);
    const p = this.#prefix;
    return this.#run((db) =>
      db
        .transaction(() => {
          const current = db
            .prepare(`SELECT version FROM ${p}kv WHERE tenant = ? AND user_id = ? AND key = ?`)
            .get(tenant, user, key) as { version: number } | undefined;
          if (expected !== undefined && (current?.version ?? 0) !== expected)
            throw new VersionConflictError(`delete "${key}"`, expected, current?.version ?? 0);
          return (
            db
              .prepare(`DELETE FROM ${p}kv WHERE tenant = ? AND user_id = ? AND key = ?`)
              .run(tenant, user, key).changes > 0
          );
        })
        .immediate(),
    );
  }

  async list<T>(scope: Scope, options?: ListOptions): Promise<StoredValue<T>[]> {
    const { tenant, user } = resolveScope(scope);
    const limit = checkLimit(options);
    const prefix = options?.prefix ?? "";
    return this.#run((db) => {
      const rows = db
        .prepare(
          `SELECT key, value, version, updated_at FROM ${this.#prefix}kv
           WHERE tenant = ? AND user_id = ? AND key >= ? AND substr(key, 1, length(?)) = ?
           ORDER BY key LIMIT ?`,
        )
        .all(tenant, user, prefix, prefix, prefix, limit ?? -1) as Row[];
      return rows.map((r) => toValue<T>(r));
    });
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
    const p = this.#prefix;
    return this.#run((db) =>
      db
        .transaction(() => {
          const row = db
            .prepare(`SELECT last_seq FROM ${p}streams WHERE tenant = ? AND user_id = ? AND stream = ?`)
            .get(tenant, user, stream) as { last_seq: number } | undefined;
          const last = row?.last_seq ?? 0;
          if (expected !== undefined && last !== expected)
            throw new VersionConflictError(`append to "${stream}"`, expected, last);
          db.prepare(
            `INSERT INTO ${p}streams (tenant, user_id, stream, last_seq) VALUES (?, ?, ?, ?)
             ON CONFLICT (tenant, user_id, stream) DO UPDATE SET last_seq = excluded.last_seq`,
          ).run(tenant, user, stream, last + encoded.length);
          const at = this.#now();
          const insert = db.prepare(
            `INSERT INTO ${p}events (tenant, user_id, stream, seq, type, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          );
          return encoded.map((e, i) => {
            insert.run(tenant, user, stream, last + i + 1, e.type, e.data, at);
            return { stream, seq: last + i + 1, type: e.type, data: JSON.parse(e.data) as T, at };
          });
        })
        .immediate(),
    );
  }

  async read<T>(scope: Scope, stream: string, options?: ReadOptions): Promise<StoredEvent<T>[]> {
    const { tenant, user } = resolveScope(scope);
    checkKey(stream, "stream");
    const after = checkSeq(options?.after, "after") ?? 0;
    const limit = checkLimit(options);
    return this.#run((db) => {
      const rows = db
        .prepare(
          `SELECT seq, type, data, at FROM ${this.#prefix}events
           WHERE tenant = ? AND user_id = ? AND stream = ? AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .all(tenant, user, stream, after, limit ?? -1) as EventRow[];
      return rows.map((r) => ({ stream, seq: r.seq, type: r.type, data: JSON.parse(r.data) as T, at: r.at }));
    });
  }

  async forget(scope: Scope): Promise<void> {
    const { tenant, user } = resolveScope(scope);
    const p = this.#prefix;
    await this.#run((db) =>
      db
        .transaction(() => {
          for (const table of ["kv", "streams", "events"])
            db.prepare(`DELETE FROM ${p}${table} WHERE tenant = ? AND user_id = ?`).run(tenant, user);
        })
        .immediate(),
    );
  }

  async close(): Promise<void> {
    this.#ready = undefined;
    if (this.#owns) await this.#database.close();
  }

  async #run<R>(work: (db: SqliteConnection) => R): Promise<R> {
    const db = await this.#db();
    try {
      return work(db);
    } catch (error) {
      throw sqliteError(error);
    }
  }

  #db(): Promise<SqliteConnection> {
    this.#ready ??= this.#database.get().then(
      (db) => {
        this.#applyMigrations(db);
        return db;
      },
      (error) => {
        throw new StoreUnavailableError(`cannot open the SQLite database: ${(error as Error).message}`, {
          cause: error,
        });
      },
    );
    // A failed open or migration is not cached: the next call tries again.
    this.#ready.catch(() => {
      this.#ready = undefined;
    });
    return this.#ready;
  }

  #applyMigrations(db: SqliteConnection): void {
    const table = `${this.#prefix}schema_migrations`;
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    );
    for (const migration of this.#migrations) {
      try {
        db.transaction(() => {
          // Checked inside the write transaction, so two processes never apply one migration twice.
          if (db.prepare(`SELECT 1 FROM ${table} WHERE version = ?`).get(migration.version)) return;
          for (const statement of migrationStatements(migration, this.#prefix)) db.exec(statement);
          db.prepare(`INSERT INTO ${table} (version, name, applied_at) VALUES (?, ?, ?)`).run(
            migration.version,
            migration.name,
            Date.now(),
          );
        }).immediate();
      } catch (error) {
        throw new MigrationError(migration.name, error);
      }
    }
  }

  #version(db: SqliteConnection): number {
    const row = db.prepare(`SELECT max(version) AS v FROM ${this.#prefix}schema_migrations`).get() as {
      v: number | null;
    };
    return row.v ?? 0;
  }
}

function toValue<T>(row: Row): StoredValue<T> {
  return { key: row.key, value: JSON.parse(row.value) as T, version: row.version, updatedAt: row.updated_at };
}

/** Our own errors pass through; a closed database, a lock held too long or an I/O failure is `StoreUnavailableError`. */
function sqliteError(error: unknown): unknown {
  if (error instanceof VersionConflictError || error instanceof InvalidRequestError) return error;
  const code = (error as { code?: string }).code ?? "";
  const message = (error as Error).message ?? String(error);
  if (
    /not open|closed/i.test(message) ||
    /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/.test(code)
  )
    return new StoreUnavailableError(`SQLite store unavailable: ${message}`, { cause: error });
  return error;
}
