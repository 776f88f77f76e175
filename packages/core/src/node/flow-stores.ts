export { FileCheckpointStore, type FileCheckpointStoreOptions } from "./file-checkpoint-store.js";
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from "./sqlite-checkpoint-store.js";
export {
  checkTablePrefix,
  type SqliteConnection,
  SqliteDatabase,
  type SqliteDatabaseOptions,
  type SqliteSource,
  type SqliteStatement,
  type SqliteTransaction,
} from "./sqlite-database.js";
