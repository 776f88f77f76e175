import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import type { CallContext } from "../model.js";
import { context as otelContext, SpanKind, trace } from "./otel-api.js";

/** Keel's own span attributes for the unit of work (no GenAI convention covers these). */
export function keelContextAttributes(ctx: CallContext | undefined): Attributes {
  if (!ctx) return {};
  const attrs: Attributes = {};
  if (ctx.flowId !== undefined) attrs["keel.flow.id"] = ctx.flowId;
  if (ctx.runId !== undefined) attrs["keel.run.id"] = ctx.runId;
  if (ctx.stepId !== undefined) attrs["keel.step.id"] = ctx.stepId;
  if (ctx.tenant !== undefined) attrs["keel.tenant"] = ctx.tenant;
  return attrs;
}

/**
 * The spans still open, keyed by what later events name them by: workflow runs by run id,
 * steps by run and step id, model calls by call id, tool calls by tool call id.
 */
export class SpanRegistry {
  readonly runs = new Map<string, Span>();
  readonly steps = new Map<string, Span>();
  readonly calls = new Map<string, Span>();
  readonly tools = new Map<string, Span>();

  constructor(readonly tracer: Tracer) {}

  static stepKey(runId: string | undefined, stepId: string | undefined): string {
    return `${runId ?? ""}\u0000${stepId ?? ""}`;
  }

  /** The innermost open workflow span for a context: its step, else its run. */
  enclosing(ctx: CallContext | undefined): Span | undefined {
    if (!ctx) return undefined;
    return (
      this.steps.get(SpanRegistry.stepKey(ctx.runId, ctx.stepId)) ??
      (ctx.runId ? this.runs.get(ctx.runId) : undefined)
    );
  }

  /** The parent for a new span: the enclosing step or run, else whatever span is active. */
  parent(ctx: CallContext | undefined): Context {
    const span = this.enclosing(ctx);
    return span ? trace.setSpan(otelContext.active(), span) : otelContext.active();
  }

  /** Starts a span under the context's parent. */
  start(
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    startTime: number,
    ctx: CallContext | undefined,
  ): Span {
    return this.tracer.startSpan(name, { kind, attributes, startTime }, this.parent(ctx));
  }

  /**
   * Records a point event (retry, fallback, cache hit, ...) on the enclosing step or run span.
   * Outside a workflow there is no open span to hold it, so it becomes a zero-length span.
   */
  annotate(ctx: CallContext | undefined, name: string, attributes: Attributes, time: number): void {
    const span = this.enclosing(ctx);
    if (span) {
      span.addEvent(name, attributes, time);
      return;
    }
    this.start(name, SpanKind.INTERNAL, { ...keelContextAttributes(ctx), ...attributes }, time, ctx).end(
      time,
    );
  }
}
