export {
  type AlertKind,
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleOf,
  type AlertRuleSchema,
  loadAlertRuleSchema,
  parseAlertRules,
} from "./alert-rules.js";
export type { Alert, AlertDetails, AlertOf } from "./alert-types.js";
export { type AlertEngine, type AlertEngineOptions, alertRules } from "./alerts.js";
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
export {
  type CounterName,
  type HistogramName,
  type MetricLabels,
  MetricsCollector,
  type MetricsCollectorOptions,
  metricsCollector,
  type SeriesSnapshot,
} from "./metrics-collector.js";
export { type ObserveOptions, observe, observeModel } from "./observe-model.js";
export { type LoggedEvent, parseEventLines } from "./parse-event-lines.js";
export {
  type PiiKind,
  type PiiRedactorOptions,
  piiRedactor,
  type Redact,
  type RedactionPattern,
  redactPii,
} from "./redact.js";
export type { EvalScored, RetrievalFinished } from "./telemetry-events.js";
export { escapeHtml, renderTraceHtml, type TraceHtmlOptions } from "./trace-html.js";
export {
  buildTrace,
  type TraceMarker,
  type TraceModel,
  type TraceRun,
  type TraceSpan,
  type TraceStep,
  type TraceTotals,
} from "./trace-model.js";
export { WindowedCounter } from "./windowed-counter.js";
export { type HistogramSummary, WindowedHistogram, type WindowOptions } from "./windowed-histogram.js";
