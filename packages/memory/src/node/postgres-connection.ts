import { InvalidRequestError } from "@keel/core";
import type { PgPoolClientLike, PgPoolLike } from "@keel/core/node";
import { optionalPeer } from "@keel/core/provider";
import { MigrationError, StoreUnavailableError, VersionConflictError } from "../errors.js";
import { migrationStatements, orderedMigrations, type SqlMigration } from "./sql-migrations.js";

/** Where a PostgreSQL store connects: a pool you own, or a connection string (a pool is opened and closed by the store). */
export interface PostgresConnectionOptions {
  /** A `pg` Pool (or any pool with the methods `PgPoolLike` lists); the store never ends it. */
  pool?: PgPoolLike;
  /** Used when no pool is given (`pg` is loaded on first use). */
  connectionString?: string;
  /** Schema holding the tables, created if missing. Default `public`. */
  schema?: string;
  /** Prefix of the tables created. */
  tablePrefix?: string;
}

const pgPeer = optionalPeer("pg", "@keel/memory/node (PostgreSQL stores)", () => import("pg"));

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A lazily opened pool, the qualified table prefix, transactions and error mapping shared by the PostgreSQL stores. */
export class PostgresConnection {
  readonly prefix: string;
  readonly #schema: string;
  readonly #options: PostgresConnectionOptions;
  #pool: Promise<PgPoolLike> | undefined;
  #ownsPool = false;
  readonly #migrations: readonly SqlMigration[];
  #migrated: Promise<void> | undefined;

  constructor(
    options: PostgresConnectionOptions,
    defaultPrefix: string,
    migrations: readonly SqlMigration[],
  ) {
    if (!options.pool && !options.connectionString)
      throw new InvalidRequestError("a PostgreSQL store needs `pool` or `connectionString`");
    const schema = options.schema ?? "public";
    const prefix = options.tablePrefix ?? defaultPrefix;
    if (!IDENTIFIER.test(schema) || schema.length > 48)
      throw new InvalidRequestError(`schema "${schema}" must be a plain identifier (letters, digits, _)`);
    if (!IDENTIFIER.test(prefix) || prefix.length > 40)
      throw new InvalidRequestError(
        `tablePrefix "${prefix}" must be a plain identifier (letters, digits, _)`,
      );
    this.#options = options;
    this.#migrations = orderedMigrations(migrations);
    this.#schema = schema;
    this.prefix = `"${schema}".${prefix}`;
  }

  /** Runs one statement, after the schema is migrated. */
  async query<R>(text: string, values: unknown[] = []): Promise<R[]> {
    const pool = await this.#ready();
    try {
      return (await pool.query(text, values)).rows as R[];
    } catch (error) {
      throw postgresError(error);
    }
  }

  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  async transaction<R>(work: (client: PgPoolClientLike) => Promise<R>): Promise<R> {
    return this.#transaction(await this.#ready(), work);
  }

  /**
   * Applies the migrations not yet applied (done before the first query), each in its own
   * transaction, under an advisory lock so that processes take turns.
   */
  migrate(): Promise<void> {
    this.#migrated ??= (async () => {
      const pool = await this.#open();
      const table = `${this.prefix}schema_migrations`;
      const lock = async (client: PgPoolClientLike) =>
        client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`keel-migrate:${this.prefix}`]);
      await this.#transaction(pool, async (client) => {
        await lock(client);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${table} (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
        );
      });
      for (const migration of this.#migrations) {
        try {
          await this.#transaction(pool, async (client) => {
            await lock(client);
            const done = await client.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
            if (done.rowCount) return;
            for (const statement of migrationStatements(migration, this.prefix))
              await client.query(statement);
            await client.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, $3)`, [
              migration.version,
              migration.name,
              Date.now(),
            ]);
          });
        } catch (error) {
          if (error instanceof StoreUnavailableError) throw error;
          throw new MigrationError(migration.name, error);
        }
      }
    })();
    // A failed migration is not cached: the next call tries again.
    this.#migrated.catch(() => {
      this.#migrated = undefined;
    });
    return this.#migrated;
  }

  /** The schema version: the highest migration applied. */
  async version(): Promise<number> {
    const rows = await this.query<{ v: string | null }>(
      `SELECT max(version) AS v FROM ${this.prefix}schema_migrations`,
    );
    return Number(rows[0]?.v ?? 0);
  }

  /** Ends the pool if this connection opened it. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#migrated = undefined;
    if (pool && this.#ownsPool) await (await pool).end();
  }

  async #ready(): Promise<PgPoolLike> {
    await this.migrate();
    return this.#open();
  }

  #open(): Promise<PgPoolLike> {
    this.#pool ??= (async () => {
      if (this.#options.pool) return this.#options.pool;
      const { default: pg } = await pgPeer.load();
      const pool = new pg.Pool({ connectionString: this.#options.connectionString, max: 4 });
      // An idle client's connection dropping must not crash the process; the next query reports it.
      pool.on("error", () => {});
      this.#ownsPool = true;
      return pool;
    })();
    return this.#pool;
  }

  async #transaction<R>(pool: PgPoolLike, work: (client: PgPoolClientLike) => Promise<R>): Promise<R> {
    let client: PgPoolClientLike;
    try {
      client = await pool.connect();
    } catch (error) {
      throw postgresError(error);
    }
    let broken: unknown;
    // A connection lost while checked out is reported on the client; the failing query reports it to the caller.
    const onError = (error: unknown) => {
      broken = error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((e) => {
        broken = e;
      });
      throw postgresError(error);
    } finally {
      client.off("error", onError);
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

const UNAVAILABLE_CODES = /^(08|53|57P0|58)/;

/**
 * Our own errors pass through; a lost or refused connection, a server shutting down or out of
 * resources is `StoreUnavailableError`; anything else is rethrown as it is.
 */
export function postgresError(error: unknown): unknown {
  if (
    error instanceof VersionConflictError ||
    error instanceof InvalidRequestError ||
    error instanceof StoreUnavailableError ||
    error instanceof MigrationError
  )
    return error;
  const code = String((error as { code?: unknown }).code ?? "");
  const message = (error as Error)?.message ?? String(error);
  if (
    UNAVAILABLE_CODES.test(code) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /Connection terminated|connection error|Client was closed|Cannot use a pool after calling end|not queryable/i.test(
      message,
    )
  )
    return new StoreUnavailableError(`PostgreSQL store unavailable: ${message}`, { cause: error });
  return error;
}
