import { InvalidRequestError } from "../errors.js";
import { optionalPeer } from "../optional-peer.js";

// better-sqlite3's objects, described by what Keel's stores use of them, so that the published
// declarations need neither better-sqlite3 nor its types (a better-sqlite3 `Database` satisfies
// `SqliteConnection` as it is).

/** A prepared statement (better-sqlite3's `Statement`). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A function wrapped in a transaction (better-sqlite3's `Transaction`). */
export interface SqliteTransaction<R> {
  (): R;
  /** Runs it as `BEGIN IMMEDIATE`, taking the write lock at once. */
  immediate(): R;
}

/** An open SQLite database (better-sqlite3's `Database`). */
export interface SqliteConnection {
  /** False once closed. */
  readonly open: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(command: string, options?: { simple?: boolean }): unknown;
  transaction<R>(run: () => R): SqliteTransaction<R>;
  close(): unknown;
}

/** A file path (opened with better-sqlite3 in WAL mode) or an already open better-sqlite3 database. */
export type SqliteSource = string | SqliteConnection;

const betterSqlite3 = optionalPeer(
  "better-sqlite3",
  "@keel/core/node (SQLite stores)",
  () => import("better-sqlite3"),
);

/** Options of `SqliteDatabase`. */
export interface SqliteDatabaseOptions {
  /**
   * `full` (default) fsyncs every commit, so an acknowledged write survives a power loss;
   * `normal` survives a process crash only. Applied only to databases this layer opens.
   */
  synchronous?: "full" | "normal";
  /** How long a write waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * One SQLite database shared by Keel's SQLite stores: opened on first use (better-sqlite3 is
 * loaded lazily, so importing a store costs nothing without it), each store's schema applied
 * once, and closed only when this layer opened it.
 */
export class SqliteDatabase {
  readonly #source: SqliteSource;
  readonly #options: SqliteDatabaseOptions;
  #db: Promise<SqliteConnection> | undefined;
  #owned = false;

  constructor(source: SqliteSource, options: SqliteDatabaseOptions = {}) {
    if (typeof source === "string" && source.length === 0)
      throw new InvalidRequestError("SQLite database path is empty");
    this.#source = source;
    this.#options = options;
  }

  /** The open database, opened on first use. */
  async get(): Promise<SqliteConnection> {
    this.#db ??= this.#open();
    return this.#db;
  }

  /** Closes the database if this layer opened it; a later `get` reopens it. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db && this.#owned) (await db).close();
  }

  async #open(): Promise<SqliteConnection> {
    if (typeof this.#source !== "string") return this.#source;
    // Loaded here so that `@keel/core/node` works without the optional better-sqlite3.
    const { default: Database } = await betterSqlite3.load();
    const db = new Database(this.#source, { timeout: this.#options.busyTimeoutMs ?? 5000 });
    try {
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${this.#options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#owned = true;
    return db;
  }
}

/** Checks a table-name prefix before it is put into SQL; throws `InvalidRequestError` otherwise. */
export function checkTablePrefix(prefix: string): string {
  if (!/^[A-Za-z_]\w*$|^$/.test(prefix))
    throw new InvalidRequestError(
      `tablePrefix "${prefix}" may contain only letters, digits and _, and may not start with a digit`,
    );
  return prefix;
}
