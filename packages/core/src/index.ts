export { abortReason, callSignal, earliestDeadline, sleep } from "./abort.js";
export * from "./cache/index.js";
export { type ChunkEventSourceInit, chunkEventSource } from "./chunk-event-source.js";
export * from "./context/index.js";
export * from "./cost/index.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./flows/index.js";
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
export * from "./telemetry/index.js";
export { toKeelError } from "./to-keel-error.js";
export * from "./tokens/index.js";
export * from "./tools/index.js";
