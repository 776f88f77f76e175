// The telemetry every model call can use: observing calls, logging and redaction. The root entry
// re-exports this file; "@keel/core/telemetry" re-exports it along with metrics, alerts and traces.
export { paramsOf } from "./call-observation.js";
export { type ConsoleLoggerOptions, consoleLogger, formatEvent } from "./console-logger.js";
export {
  type ContentCaptureOptions,
  captureContent,
  contentRedactor,
  isContentCaptured,
  redactMessages,
  redactValue,
} from "./content-capture.js";
export { eventToJson, type SerializedError, serializeError } from "./event-json.js";
export { summarizeEvent } from "./format-event.js";
export { type JsonLinesLoggerOptions, jsonLinesLogger } from "./jsonl-logger.js";
export { luhnValid } from "./luhn.js";
export { type ObserveOptions, observe, observeModel } from "./observe-model.js";
export {
  type PiiKind,
  type PiiRedactorOptions,
  piiRedactor,
  type Redact,
  type RedactionPattern,
  redactPii,
} from "./redact.js";
export type { EvalScored, RetrievalFinished } from "./telemetry-events.js";
