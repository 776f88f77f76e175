export type { PostgresConnectionOptions } from "./postgres-connection.js";
export { PostgresStateStore, type PostgresStateStoreOptions } from "./postgres-state-store.js";
export { type SqlMigration, STATE_STORE_MIGRATIONS } from "./sql-migrations.js";
export { SqliteStateStore, type SqliteStateStoreOptions } from "./sqlite-state-store.js";
