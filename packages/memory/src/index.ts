export * from "./errors.js";
export type { AddResult } from "./long-term/add-plan.js";
export type { ConversationTurn, ExtractedMemory } from "./long-term/extraction.js";
export {
  type ExtractResult,
  LongTermMemory,
  type LongTermMemoryOptions,
  type MemoryHit,
  type SearchOptions,
} from "./long-term/long-term-memory.js";
export type { IndexOptions } from "./long-term/memory-index.js";
export type { MemoryInput, MemoryKind, MemoryRecord } from "./long-term/memory-record.js";
export { DEFAULT_SCORING, type ScoringOptions } from "./long-term/scoring.js";
export { describeRange, type TimeRange, timeRanges } from "./long-term/time-expressions.js";
export { DEFAULT_MAX_VALUE_BYTES } from "./persistent/encode.js";
export {
  compareKeys,
  InMemoryStateStore,
  type InMemoryStateStoreOptions,
} from "./persistent/in-memory-state-store.js";
export type * from "./persistent/state-store.js";
export { type ResolvedScope, resolveScope, type Scope } from "./scope.js";
export {
  WorkingMemory,
  type WorkingMemoryOptions,
  type WorkingMemorySnapshot,
} from "./working/working-memory.js";
