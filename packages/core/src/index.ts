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
export { paramsOf } from "./telemetry/call-observation.js";
export { type ConsoleLoggerOptions, consoleLogger, formatEvent } from "./telemetry/console-logger.js";
export {
  type ContentCaptureOptions,
  captureContent,
  contentRedactor,
  isContentCaptured,
  redactMessages,
  redactValue,
} from "./telemetry/content-capture.js";
export { eventToJson, type SerializedError, serializeError } from "./telemetry/event-json.js";
export { summarizeEvent } from "./telemetry/format-event.js";
export { type JsonLinesLoggerOptions, jsonLinesLogger } from "./telemetry/jsonl-logger.js";
export { luhnValid } from "./telemetry/luhn.js";
export { type ObserveOptions, observe, observeModel } from "./telemetry/observe-model.js";
export {
  type PiiKind,
  type PiiRedactorOptions,
  piiRedactor,
  type Redact,
  type RedactionPattern,
  redactPii,
} from "./telemetry/redact.js";
export type { EvalScored, RetrievalFinished } from "./telemetry/telemetry-events.js";
export { toKeelError } from "./to-keel-error.js";
export * from "./tokens/index.js";
export * from "./tools/index.js";
