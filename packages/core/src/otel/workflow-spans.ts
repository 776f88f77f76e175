import type { Attributes } from "@opentelemetry/api";
import type { KeelEvent } from "../events.js";
import { redactSecrets } from "../telemetry/redact.js";
import { SpanKind, SpanStatusCode } from "./otel-api.js";
import * as sc from "./semconv.js";
import { keelContextAttributes, SpanRegistry } from "./span-registry.js";

type Of<T extends KeelEvent["type"]> = Extract<KeelEvent, { type: T }>;

/**
 * Turns flow, tool and retrieval events into spans: a run is an `invoke_workflow {flowId}` span,
 * each step a `step {state}` child (attempt failures are span events on it), each tool call an
 * `execute_tool {tool}` span and each retrieval a `retrieval {source}` span.
 */
export class WorkflowSpans {
  constructor(
    private readonly spans: SpanRegistry,
    private readonly captureContent: boolean,
  ) {}

  flowStarted(e: Of<"flow.started">): void {
    const runId = e.context?.runId;
    if (runId === undefined) return;
    const flowId = e.context?.flowId ?? "flow";
    const attrs: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: "invoke_workflow",
      [sc.ATTR_GEN_AI_WORKFLOW_NAME]: flowId,
      ...keelContextAttributes(e.context),
      "keel.flow.resumed": e.resumed,
    };
    this.spans.runs.set(
      runId,
      this.spans.start(`invoke_workflow ${flowId}`, SpanKind.INTERNAL, attrs, e.time, e.context),
    );
  }

  stepStarted(e: Of<"flow.step.started">): void {
    const key = SpanRegistry.stepKey(e.context?.runId, e.context?.stepId);
    const open = this.spans.steps.get(key);
    if (open) {
      open.addEvent("keel.step.attempt", { "keel.step.attempt": e.attempt }, e.time);
      return;
    }
    const attrs = {
      ...keelContextAttributes(e.context),
      "keel.step.state": e.state,
      "keel.step.number": e.step,
    };
    // The step's parent is its run: look it up without the step id.
    const runCtx = e.context ? { ...e.context, stepId: undefined } : undefined;
    this.spans.steps.set(key, this.spans.start(`step ${e.state}`, SpanKind.INTERNAL, attrs, e.time, runCtx));
  }

  stepFailed(e: Of<"flow.step.failed">): void {
    const span = this.spans.steps.get(SpanRegistry.stepKey(e.context?.runId, e.context?.stepId));
    if (!span) return;
    const errorType = e.error.code ?? "_OTHER";
    span.addEvent(
      "keel.step.attempt_failed",
      { "keel.step.attempt": e.attempt, [sc.ATTR_ERROR_TYPE]: errorType, "keel.will_retry": e.willRetry },
      e.time,
    );
    if (!e.willRetry) {
      span.setAttribute(sc.ATTR_ERROR_TYPE, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(e.error.message) });
    }
  }

  stepFinished(e: Of<"flow.step.finished">): void {
    const key = SpanRegistry.stepKey(e.context?.runId, e.context?.stepId);
    const span = this.spans.steps.get(key);
    if (!span) return;
    span.setAttribute("keel.step.outcome", e.outcome);
    if (e.next !== undefined) span.setAttribute("keel.step.next", e.next);
    span.end(e.time);
    this.spans.steps.delete(key);
  }

  flowFinished(e: Of<"flow.finished">): void {
    const runId = e.context?.runId;
    if (runId === undefined) return;
    const prefix = SpanRegistry.stepKey(runId, "");
    for (const [key, span] of this.spans.steps) {
      if (!key.startsWith(prefix)) continue;
      span.end(e.time);
      this.spans.steps.delete(key);
    }
    const run = this.spans.runs.get(runId);
    if (!run) return;
    run.setAttribute("keel.flow.steps", e.steps);
    if (e.status === "failed") {
      run.setAttribute(sc.ATTR_ERROR_TYPE, e.reason ?? "_OTHER");
      run.setStatus({
        code: SpanStatusCode.ERROR,
        message: `flow failed at ${e.state}${e.reason ? ` (${e.reason})` : ""}`,
      });
    }
    run.end(e.time);
    this.spans.runs.delete(runId);
  }

  toolCalled(e: Of<"tool.called">): void {
    const attrs = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: "execute_tool",
      [sc.ATTR_GEN_AI_TOOL_NAME]: e.tool,
      [sc.ATTR_GEN_AI_TOOL_CALL_ID]: e.toolCallId,
      ...keelContextAttributes(e.context),
    };
    this.spans.tools.set(
      e.toolCallId,
      this.spans.start(`execute_tool ${e.tool}`, SpanKind.INTERNAL, attrs, e.time, e.context),
    );
  }

  toolFinished(e: Of<"tool.finished">): void {
    const span = this.spans.tools.get(e.toolCallId);
    if (!span) return;
    this.spans.tools.delete(e.toolCallId);
    span.setAttribute("keel.tool.outcome", e.outcome);
    if (e.outcome !== "ok") {
      span.setAttribute(sc.ATTR_ERROR_TYPE, e.outcome);
      span.setStatus({ code: SpanStatusCode.ERROR, ...(e.error !== undefined ? { message: e.error } : {}) });
    }
    span.end(e.time);
  }

  retrieval(e: Of<"retrieval.finished">): void {
    const attrs: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: "retrieval",
      ...keelContextAttributes(e.context),
      [sc.ATTR_GEN_AI_RETRIEVAL_DOCUMENTS]: JSON.stringify(
        e.ids.map((id, i) => ({ id, score: e.scores[i] })),
      ),
    };
    if (e.source !== undefined) attrs[sc.ATTR_GEN_AI_DATA_SOURCE_ID] = e.source;
    if (this.captureContent && e.query !== undefined) attrs[sc.ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT] = e.query;
    const name = e.source !== undefined ? `retrieval ${e.source}` : "retrieval";
    const span = this.spans.start(name, SpanKind.CLIENT, attrs, e.time - e.durationMs, e.context);
    if (e.error) {
      span.setAttribute(sc.ATTR_ERROR_TYPE, e.error.code ?? "_OTHER");
      span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(e.error.message) });
    }
    span.end(e.time);
  }
}
