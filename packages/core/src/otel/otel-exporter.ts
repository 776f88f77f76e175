import type { Attributes, Meter, Tracer } from "@opentelemetry/api";
import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { genAiInstruments, ModelCallSpans } from "./model-call-spans.js";
import { genAiProviderName } from "./provider-names.js";
import { routeAnnotation } from "./route-events.js";
import * as sc from "./semconv.js";
import { SpanRegistry } from "./span-registry.js";
import { WorkflowSpans } from "./workflow-spans.js";

export interface OtelExporterOptions {
  /** Where spans go, e.g. `trace.getTracer("keel")`. */
  tracer: Tracer;
  /** Where the GenAI client metrics go, e.g. `metrics.getMeter("keel")`. Default: no metrics. */
  meter?: Meter;
  /** The hub to export. Default: the global `events` hub. */
  events?: EventHub;
  /**
   * Record prompts, answers and retrieval queries (`gen_ai.input.messages` and the like).
   * They exist on events only after `captureContent()`; both must be on. Default false.
   */
  captureContent?: boolean;
  /** Extra Keel provider id → `gen_ai.provider.name` entries. */
  providerNames?: Record<string, string>;
}

/** Point events recorded on the enclosing step or run span, with the attributes they carry. */
function annotation(event: KeelEvent): [string, Attributes] | undefined {
  switch (event.type) {
    case "retry.scheduled":
      return [
        "keel.retry",
        {
          "keel.model": event.model,
          "keel.retry.attempt": event.attempt,
          "keel.retry.delay_ms": event.delayMs,
          [sc.ATTR_ERROR_TYPE]: event.error.code,
        },
      ];
    case "fallback.taken":
      return [
        "keel.fallback",
        {
          "keel.fallback.from": event.from,
          "keel.fallback.to": event.to,
          "keel.fallback.mid_stream": event.midStream,
          [sc.ATTR_ERROR_TYPE]: event.error.code,
        },
      ];
    case "timeout.fired":
      return [
        "keel.timeout",
        {
          "keel.model": event.model,
          "keel.timeout.after_ms": event.afterMs,
          ...(event.limit ? { "keel.timeout.limit": event.limit } : {}),
        },
      ];
    case "breaker.changed":
      return [
        "keel.breaker",
        { "keel.model": event.model, "keel.breaker.from": event.from, "keel.breaker.to": event.to },
      ];
    case "hedge.sent":
      return ["keel.hedge", { "keel.model": event.model, "keel.hedge.after_ms": event.afterMs }];
    case "cache.hit":
      return [
        "keel.cache.hit",
        { "keel.model": event.model, "keel.cache.kind": event.kind, "keel.cache.age_ms": event.ageMs },
      ];
    case "context.truncated":
      return [
        "keel.context.truncated",
        {
          "keel.truncation.strategy": event.strategy,
          "keel.truncation.tokens_before": event.tokensBefore,
          "keel.truncation.tokens_after": event.tokensAfter,
        },
      ];
    case "cost.recorded":
      return event.costUsd === undefined
        ? undefined
        : [
            "keel.cost",
            { "keel.model": event.model, "keel.cost.usd": event.costUsd, "keel.cost.cached": event.cached },
          ];
    case "budget.exceeded":
      return [
        "keel.budget.exceeded",
        {
          "keel.model": event.model,
          "keel.budget.scope": event.scope,
          "keel.budget.limit_usd": event.limitUsd,
        },
      ];
    case "eval.scored":
      return [
        sc.EVENT_GEN_AI_EVALUATION_RESULT,
        {
          [sc.ATTR_GEN_AI_EVALUATION_NAME]: event.metric,
          [sc.ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: event.score,
          ...(event.label !== undefined ? { [sc.ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: event.label } : {}),
          ...(event.explanation !== undefined
            ? { [sc.ATTR_GEN_AI_EVALUATION_EXPLANATION]: event.explanation }
            : {}),
        },
      ];
    default:
      return undefined;
  }
}

/** A running exporter; `stop()` unsubscribes it (spans still open are left to the SDK). */
export interface OtelExporter {
  stop(): void;
}

/**
 * Exports a hub's events to OpenTelemetry following the GenAI semantic conventions: each
 * model call is a `chat {model}` CLIENT span with `gen_ai.*` request, response and usage
 * attributes (`error.type` and status ERROR on failure), and feeds the
 * `gen_ai.client.operation.duration`, `gen_ai.client.token.usage` and
 * `gen_ai.client.operation.time_to_first_chunk` histograms. Flow runs and steps become parent
 * spans; retries, fallbacks, cache hits, truncation, cost and evaluation scores become span
 * events on the enclosing step (or short spans outside a flow), and so do the events of a layer
 * that routes requests over several servers (`@keel/gpu-client`'s `gpu.routed`: which server,
 * why, queue time; failovers, shedding, ejections), by the shape `routeAnnotation` documents.
 */
export function otelExporter(options: OtelExporterOptions): OtelExporter {
  const spans = new SpanRegistry(options.tracer);
  const capture = options.captureContent === true;
  const providerName = (p: string) => genAiProviderName(p, options.providerNames);
  const calls = new ModelCallSpans(
    spans,
    options.meter ? genAiInstruments(options.meter) : undefined,
    providerName,
    capture,
  );
  const workflow = new WorkflowSpans(spans, capture);

  function handle(event: KeelEvent): void {
    switch (event.type) {
      case "model.call.started":
        calls.started(event);
        return;
      case "model.call.finished":
        calls.finished(event);
        return;
      case "model.call.failed":
        calls.failed(event);
        return;
      case "flow.started":
        workflow.flowStarted(event);
        return;
      case "flow.step.started":
        workflow.stepStarted(event);
        return;
      case "flow.step.failed":
        workflow.stepFailed(event);
        return;
      case "flow.step.finished":
        workflow.stepFinished(event);
        return;
      case "flow.finished":
        workflow.flowFinished(event);
        return;
      case "tool.called":
        workflow.toolCalled(event);
        return;
      case "tool.finished":
        workflow.toolFinished(event);
        return;
      case "retrieval.finished":
        workflow.retrieval(event);
        return;
    }
    // Core's own point events, then those of a routing layer, known by their documented shape.
    const note = annotation(event) ?? routeAnnotation(event);
    if (note) spans.annotate(event.context, note[0], note[1], event.time);
  }

  return { stop: (options.events ?? globalEvents).on(handle) };
}
