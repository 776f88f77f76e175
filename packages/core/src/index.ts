export { abortReason, callSignal, earliestDeadline, sleep } from "./abort.js";
// Cache and flow events are part of every listener's event map, so their types stay in the root.
export type { CacheKind, CacheMissReason } from "./cache/cache-events.js";
export { type ChunkEventSourceInit, chunkEventSource } from "./chunk-event-source.js";
export * from "./context/index.js";
export * from "./cost/index.js";
export * from "./errors.js";
export * from "./events.js";
export type { FlowEventType } from "./flows/flow-events.js";
export * from "./messages.js";
export * from "./middleware/index.js";
export * from "./model.js";
export { collect, createModelStream, type ModelStreamInit } from "./model-stream.js";
export { pipe, wrapModel } from "./pipe.js";
export * from "./registry/index.js";
export { ResponseAccumulator, usageOf } from "./response-accumulator.js";
export { parseGoDuration, retryAfterFromHeaders } from "./retry-after.js";
export {
  type FusableIterator,
  isFusable,
  type OnError,
  type OnStep,
  ReadThrough,
  readThen,
  type StepResult,
} from "./stream-read.js";
export * from "./structured/index.js";
// Observing calls, logging and redaction are in the root entry; the rest of telemetry (metrics,
// alerts, the trace renderer) is in "@keel/core/telemetry", caches in "@keel/core/cache" and flows
// in "@keel/core/flows", so that importing the root compiles only what a model call needs.
export * from "./telemetry/essentials.js";
export { toKeelError } from "./to-keel-error.js";
export * from "./tokens/index.js";
export * from "./tools/index.js";
