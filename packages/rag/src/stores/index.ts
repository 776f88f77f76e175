export { checkRecords, checkTenant } from "./check-records.js";
export type {
  ChunkStore,
  HybridStoreHit,
  ServerFusion,
  StoreHit,
  StoreSearchOptions,
} from "./chunk-store.js";
export { MemoryStore, type MemoryStoreJson, type MemoryStoreOptions } from "./memory-store.js";
