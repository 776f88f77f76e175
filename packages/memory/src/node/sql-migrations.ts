import { InvalidRequestError } from "@keel/core";

/**
 * One step of a SQL store's schema. `{prefix}` in a statement stands for the store's qualified
 * table prefix. Each migration runs in its own transaction and is recorded by `version`.
 */
export interface SqlMigration {
  version: number;
  name: string;
  statements: string[];
}

/** The state store's schema, in order. */
export const STATE_STORE_MIGRATIONS: readonly SqlMigration[] = Object.freeze([
  {
    version: 1,
    name: "kv, streams and events",
    statements: [
      `CREATE TABLE {prefix}kv (
         tenant TEXT NOT NULL, user_id TEXT NOT NULL, key TEXT NOT NULL,
         value TEXT NOT NULL, version BIGINT NOT NULL, updated_at BIGINT NOT NULL,
         PRIMARY KEY (tenant, user_id, key))`,
      `CREATE TABLE {prefix}streams (
         tenant TEXT NOT NULL, user_id TEXT NOT NULL, stream TEXT NOT NULL, last_seq BIGINT NOT NULL,
         PRIMARY KEY (tenant, user_id, stream))`,
      `CREATE TABLE {prefix}events (
         tenant TEXT NOT NULL, user_id TEXT NOT NULL, stream TEXT NOT NULL, seq BIGINT NOT NULL,
         type TEXT NOT NULL, data TEXT NOT NULL, at BIGINT NOT NULL,
         PRIMARY KEY (tenant, user_id, stream, seq))`,
    ],
  },
]);

/** Checks that migrations are in strictly increasing version order; returns them. */
export function orderedMigrations(migrations: readonly SqlMigration[]): readonly SqlMigration[] {
  for (let i = 1; i < migrations.length; i++)
    if (!(migrations[i]!.version > migrations[i - 1]!.version))
      throw new InvalidRequestError(
        `migrations must be in increasing version order (at "${migrations[i]!.name}")`,
      );
  return migrations;
}

/** The statements of a migration with the table prefix filled in. */
export function migrationStatements(migration: SqlMigration, prefix: string): string[] {
  return migration.statements.map((s) => s.replaceAll("{prefix}", prefix));
}
