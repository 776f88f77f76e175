// The telemetry every application can use: observing calls, logging and redaction. The root entry
// re-exports this file; "@keel/core/telemetry" re-exports it along with metrics, alerts and traces.
export { type ConsoleLoggerOptions, consoleLogger } from "./console-logger.js";
export { type ContentCaptureOptions, captureContent } from "./content-capture.js";
export { type JsonLinesLoggerOptions, jsonLinesLogger } from "./jsonl-logger.js";
export { type ObserveOptions, observe } from "./observe-model.js";
export {
  type PiiKind,
  type PiiRedactorOptions,
  piiRedactor,
  type Redact,
  type RedactionPattern,
  redactPii,
} from "./redact.js";
export type { EvalScored, RetrievalFinished } from "./telemetry-events.js";
