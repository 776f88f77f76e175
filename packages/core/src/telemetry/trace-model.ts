import type { LoggedEvent } from "./parse-event-lines.js";

/** A bar on the timeline: a model call, a tool call or a retrieval. */
export interface TraceSpan {
  kind: "model" | "tool" | "retrieval";
  id: string;
  label: string;
  start: number;
  end: number;
  status: "ok" | "failed" | "open";
  /** Model calls: time to the first token, in ms from `start`. */
  ttftMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  error?: string;
  /** Extra facts shown in the row's details. */
  details: Array<[string, string]>;
  /** Join keys for cost events. */
  model?: string;
  servedModel?: string;
}

/** A point on the timeline: a retry, fallback, cache hit, truncation, failed attempt, score. */
export interface TraceMarker {
  kind:
    | "retry"
    | "fallback"
    | "cache"
    | "truncation"
    | "timeout"
    | "breaker"
    | "attempt-failed"
    | "eval"
    | "budget";
  time: number;
  label: string;
}

/** A workflow step: its bar, and the spans and markers that happened inside it. */
export interface TraceStep {
  stepId: string;
  state: string;
  start: number;
  end: number;
  status: "ok" | "fallback" | "failed" | "open";
  attempts: number;
  error?: string;
  spans: TraceSpan[];
  markers: TraceMarker[];
}

/** A workflow run, or the calls made outside any workflow (`runId` undefined). */
export interface TraceRun {
  runId: string | undefined;
  flowId: string | undefined;
  tenant: string | undefined;
  status: "completed" | "failed" | "running" | "none";
  reason?: string;
  start: number;
  end: number;
  steps: TraceStep[];
  /** Spans and markers of the run that belong to no step. */
  spans: TraceSpan[];
  markers: TraceMarker[];
}

export interface TraceTotals {
  durationMs: number;
  runs: number;
  steps: number;
  modelCalls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  retries: number;
  fallbacks: number;
  cacheHits: number;
  errors: number;
}

/** Everything the HTML timeline shows, built from a log. */
export interface TraceModel {
  start: number;
  end: number;
  runs: TraceRun[];
  totals: TraceTotals;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const errorText = (v: unknown): string => {
  const e = v as { code?: unknown; message?: unknown } | undefined;
  return `${str(e?.code) ?? "error"}: ${str(e?.message) ?? ""}`;
};

/** Folds logged events into runs, steps, spans and markers, joining cost onto the calls it priced. */
export function buildTrace(events: LoggedEvent[]): TraceModel {
  const runs = new Map<string, TraceRun>();
  const steps = new Map<string, TraceStep>();
  const open = new Map<string, TraceSpan>();
  const totals: TraceTotals = {
    durationMs: 0,
    runs: 0,
    steps: 0,
    modelCalls: 0,
    failedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    retries: 0,
    fallbacks: 0,
    cacheHits: 0,
    errors: 0,
  };

  const runOf = (e: LoggedEvent): TraceRun => {
    const runId = e.context?.runId;
    const key = runId ?? "";
    let run = runs.get(key);
    if (!run) {
      run = {
        runId,
        flowId: e.context?.flowId,
        tenant: e.context?.tenant,
        status: runId === undefined ? "none" : "running",
        start: e.time,
        end: e.time,
        steps: [],
        spans: [],
        markers: [],
      };
      runs.set(key, run);
    }
    run.flowId ??= e.context?.flowId;
    run.tenant ??= e.context?.tenant;
    run.end = Math.max(run.end, e.time);
    return run;
  };
  const stepOf = (e: LoggedEvent): TraceStep | undefined => {
    const stepId = e.context?.stepId;
    return stepId === undefined ? undefined : steps.get(`${e.context?.runId ?? ""}\u0000${stepId}`);
  };
  /** Where a span or marker goes: its step when the step is known, else its run. */
  const home = (e: LoggedEvent) => stepOf(e) ?? runOf(e);
  const mark = (e: LoggedEvent, kind: TraceMarker["kind"], label: string) => {
    runOf(e);
    home(e).markers.push({ kind, time: e.time, label });
  };
  const addSpan = (e: LoggedEvent, span: TraceSpan) => {
    runOf(e);
    home(e).spans.push(span);
    return span;
  };
  const endSpan = (key: string, e: LoggedEvent) => {
    const span = open.get(key);
    open.delete(key);
    if (span) span.end = e.time;
    return span;
  };

  for (const e of events) {
    switch (e.type) {
      case "flow.started": {
        const run = runOf(e);
        run.start = Math.min(run.start, e.time);
        break;
      }
      case "flow.step.started": {
        const run = runOf(e);
        const stepId = e.context?.stepId ?? `${str(e.state)}@${num(e.step)}`;
        const key = `${e.context?.runId ?? ""}\u0000${stepId}`;
        const known = steps.get(key);
        if (known) known.attempts = Math.max(known.attempts, num(e.attempt) ?? 1);
        else {
          const step: TraceStep = {
            stepId,
            state: str(e.state) ?? stepId,
            start: e.time,
            end: e.time,
            status: "open",
            attempts: num(e.attempt) ?? 1,
            spans: [],
            markers: [],
          };
          steps.set(key, step);
          run.steps.push(step);
          totals.steps++;
        }
        break;
      }
      case "flow.step.failed": {
        const step = stepOf(e);
        totals.errors++;
        if (step) {
          step.error = errorText(e.error);
          if (e.willRetry === false) step.status = "failed";
        }
        mark(
          e,
          "attempt-failed",
          `attempt ${num(e.attempt) ?? "?"} failed: ${errorText(e.error)}${e.willRetry ? " (retrying)" : ""}`,
        );
        break;
      }
      case "flow.step.finished": {
        runOf(e);
        const step = stepOf(e);
        if (step) {
          step.end = e.time;
          step.status = e.outcome === "fallback" ? "fallback" : "ok";
        }
        break;
      }
      case "flow.finished": {
        const run = runOf(e);
        run.status = e.status === "failed" ? "failed" : "completed";
        if (str(e.reason)) run.reason = str(e.reason)!;
        for (const step of run.steps)
          if (step.status === "open" || step.status === "failed") step.end = Math.max(step.end, e.time);
        break;
      }
      case "model.call.started": {
        const id = str(e.callId) ?? `call-${open.size}-${e.time}`;
        const model = str(e.model) ?? "model";
        const span = addSpan(e, {
          kind: "model",
          id,
          label: `${str(e.provider) ?? "?"}/${model}`,
          start: e.time,
          end: e.time,
          status: "open",
          model,
          details: [["stream", String(e.stream === true)]],
        });
        open.set(`call\u0000${id}`, span);
        totals.modelCalls++;
        break;
      }
      case "model.call.finished": {
        const span = endSpan(`call\u0000${str(e.callId)}`, e);
        if (!span) break;
        const usage = (e.usage ?? {}) as Record<string, unknown>;
        span.status = "ok";
        span.inputTokens = num(usage.inputTokens) ?? 0;
        span.outputTokens = num(usage.outputTokens) ?? 0;
        totals.inputTokens += span.inputTokens;
        totals.outputTokens += span.outputTokens;
        const ttft = num(e.timeToFirstTokenMs);
        if (ttft !== undefined) span.ttftMs = ttft;
        const served = str(e.servedModel);
        if (served !== undefined) span.servedModel = served;
        if (served !== undefined && served !== span.model) span.details.push(["served model", served]);
        span.details.push(["finish", str(e.finishReason) ?? "?"]);
        if (str(e.requestId)) span.details.push(["request id", str(e.requestId)!]);
        if (num(e.queuedMs)) span.details.push(["queued", `${num(e.queuedMs)} ms`]);
        if (e.cached === true) span.details.push(["cached", "yes"]);
        break;
      }
      case "model.call.failed": {
        const span = endSpan(`call\u0000${str(e.callId)}`, e);
        totals.failedCalls++;
        totals.errors++;
        if (!span) break;
        span.status = "failed";
        span.error = errorText(e.error);
        const ttft = num(e.timeToFirstTokenMs);
        if (ttft !== undefined) span.ttftMs = ttft;
        break;
      }
      case "cost.recorded": {
        const usd = num(e.costUsd);
        if (usd === undefined) break;
        totals.costUsd += usd;
        const candidates = home(e).spans;
        const model = str(e.model);
        for (let i = candidates.length - 1; i >= 0; i--) {
          const s = candidates[i]!;
          if (
            s.kind === "model" &&
            s.status === "ok" &&
            s.costUsd === undefined &&
            (s.servedModel === model || s.model === model)
          ) {
            s.costUsd = usd;
            break;
          }
        }
        break;
      }
      case "tool.called": {
        const id = str(e.toolCallId) ?? `tool-${e.time}`;
        open.set(
          `tool\u0000${id}`,
          addSpan(e, {
            kind: "tool",
            id,
            label: `tool ${str(e.tool) ?? "?"}`,
            start: e.time,
            end: e.time,
            status: "open",
            details: [],
          }),
        );
        break;
      }
      case "tool.finished": {
        const span = endSpan(`tool\u0000${str(e.toolCallId)}`, e);
        if (!span) break;
        span.status = e.outcome === "ok" ? "ok" : "failed";
        if (span.status === "failed") {
          span.error = `${str(e.outcome)}${str(e.error) ? `: ${str(e.error)}` : ""}`;
          totals.errors++;
        }
        break;
      }
      case "retrieval.finished": {
        const ids = Array.isArray(e.ids) ? e.ids.map(String) : [];
        const scores = Array.isArray(e.scores) ? e.scores : [];
        const failed = e.error !== undefined;
        if (failed) totals.errors++;
        addSpan(e, {
          kind: "retrieval",
          id: `retrieval-${e.time}`,
          label: `retrieval${str(e.source) ? ` ${str(e.source)}` : ""}`,
          start: e.time - (num(e.durationMs) ?? 0),
          end: e.time,
          status: failed ? "failed" : "ok",
          ...(failed ? { error: errorText(e.error) } : {}),
          details: [
            [
              "results",
              ids.map((id, i) => `${id} (${num(scores[i])?.toFixed(3) ?? "?"})`).join(", ") || "none",
            ],
          ],
        });
        break;
      }
      case "retry.scheduled":
        totals.retries++;
        mark(
          e,
          "retry",
          `retry ${str(e.model) ?? ""} in ${num(e.delayMs) ?? "?"} ms after ${errorText(e.error)}`,
        );
        break;
      case "fallback.taken":
        totals.fallbacks++;
        mark(
          e,
          "fallback",
          `fallback ${str(e.from)} → ${str(e.to)} (${errorText(e.error)})${e.midStream ? " mid-stream" : ""}`,
        );
        break;
      case "cache.hit":
        totals.cacheHits++;
        mark(e, "cache", `${str(e.kind) ?? ""} cache hit for ${str(e.model) ?? ""}`);
        break;
      case "context.truncated":
      case "flow.truncated":
        mark(
          e,
          "truncation",
          `truncated ${num(e.tokensBefore)} → ${num(e.tokensAfter)} tokens${str(e.strategy) ? ` (${str(e.strategy)})` : ""}`,
        );
        break;
      case "timeout.fired":
        mark(e, "timeout", `timeout on ${str(e.model)} after ${num(e.afterMs)} ms`);
        break;
      case "breaker.changed":
        mark(e, "breaker", `breaker ${str(e.model)} ${str(e.from)} → ${str(e.to)}`);
        break;
      case "budget.exceeded":
        mark(e, "budget", `budget exceeded for ${str(e.model)} (${str(e.scope)})`);
        break;
      case "eval.scored":
        mark(
          e,
          "eval",
          `${str(e.metric)} ${num(e.score)?.toFixed(3)}${e.passed === false ? " (failed)" : ""}`,
        );
        break;
      default:
        if (e.context?.runId !== undefined) runOf(e);
    }
  }

  const all = [...runs.values()];
  for (const run of all) {
    const spans = [...run.spans, ...run.steps.flatMap((st) => st.spans)];
    for (const s of spans) run.end = Math.max(run.end, s.end);
    // A span the log never closed ran at least until the run's last event.
    for (const s of spans) if (s.status === "open") s.end = run.end;
    for (const step of run.steps) step.end = Math.max(step.end, ...step.spans.map((s) => s.end));
  }
  const start = Math.min(...all.map((r) => r.start), ...all.flatMap((r) => r.spans.map((s) => s.start)));
  const end = Math.max(...all.map((r) => r.end));
  totals.runs = all.filter((r) => r.runId !== undefined).length;
  totals.durationMs = all.length ? end - start : 0;
  // Workflow runs first, in start order; calls outside any workflow last.
  all.sort((a, b) => Number(a.runId === undefined) - Number(b.runId === undefined) || a.start - b.start);
  return { start: all.length ? start : 0, end: all.length ? end : 0, runs: all, totals };
}
