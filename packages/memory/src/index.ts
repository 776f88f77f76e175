export * from "./errors.js";
export { DEFAULT_MAX_VALUE_BYTES } from "./persistent/encode.js";
export {
  compareKeys,
  InMemoryStateStore,
  type InMemoryStateStoreOptions,
} from "./persistent/in-memory-state-store.js";
export type * from "./persistent/state-store.js";
export { type ResolvedScope, resolveScope, type Scope } from "./scope.js";
