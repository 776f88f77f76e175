// "@keel/core/telemetry": everything in this folder (observe, loggers, content capture, redaction,
// metrics, alerts, traces).
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
export { type ContentCaptureOptions, captureContent } from "./capture-content.js";
export { type ConsoleLoggerOptions, consoleLogger } from "./console-logger.js";
export { eventToJson, type SerializedError, serializeError } from "./event-json.js";
export { formatEvent, summarizeEvent } from "./format-event.js";
export { type JsonLinesLoggerOptions, jsonLinesLogger } from "./jsonl-logger.js";
export {
  type CounterName,
  type HistogramName,
  type MetricLabels,
  MetricsCollector,
  type MetricsCollectorOptions,
  metricsCollector,
  type SeriesSnapshot,
} from "./metrics-collector.js";
export { type ObserveOptions, observe } from "./observe-model.js";
export { type LoggedEvent, parseEventLines } from "./parse-event-lines.js";
export { QuantileSketch, type SketchData } from "./quantile-sketch.js";
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
export {
  type HistogramSummary,
  summarizeSketch,
  WindowedHistogram,
  type WindowOptions,
} from "./windowed-histogram.js";
