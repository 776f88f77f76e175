export { FileCheckpointStore, type FileCheckpointStoreOptions } from "./file-checkpoint-store.js";
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from "./sqlite-checkpoint-store.js";
export {
  checkTablePrefix,
  SqliteDatabase,
  type SqliteDatabaseOptions,
  type SqliteSource,
} from "./sqlite-database.js";
