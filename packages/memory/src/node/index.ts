export {
  CHECKPOINT_STORE_MIGRATIONS,
  PostgresCheckpointStore,
  type PostgresCheckpointStoreOptions,
} from "./postgres-checkpoint-store.js";
export type { PostgresConnectionOptions } from "./postgres-connection.js";
export { PostgresStateStore, type PostgresStateStoreOptions } from "./postgres-state-store.js";
export { RedisCheckpointStore, type RedisCheckpointStoreOptions } from "./redis-checkpoint-store.js";
export type { RedisConnectionOptions } from "./redis-connection.js";
export { RedisStateStore, type RedisStateStoreOptions } from "./redis-state-store.js";
export { type SqlMigration, STATE_STORE_MIGRATIONS } from "./sql-migrations.js";
export { SqliteStateStore, type SqliteStateStoreOptions } from "./sqlite-state-store.js";
