// "@keel/core/shared-state": shared state for limits, budgets and breakers that many replicas
// share (the Redis store is in "@keel/core/node").
export { type DegradingOptions, degradingSharedState } from "./degrading-shared-state.js";
export { type MemorySharedStateOptions, memorySharedState } from "./memory-shared-state.js";
export type {
  BucketTake,
  CounterAdd,
  CounterResult,
  LeaseResult,
  SharedState,
  TakeResult,
  VersionedRecord,
} from "./shared-state.js";
export type {} from "./shared-state-events.js";
