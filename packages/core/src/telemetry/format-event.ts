import type { KeelEvent, KeelEventType } from "../events.js";
import { redactSecrets } from "./redact.js";

type Of<T extends KeelEventType> = Extract<KeelEvent, { type: T }>;
type Summaries = { [T in KeelEventType]?: (event: Of<T>) => string };

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}s` : `${Math.round(n)}ms`);
// Providers echo keys in auth errors ("Incorrect API key provided: sk-…").
const errorText = (e: { code?: string; message: string }) =>
  `${e.code ?? "error"}: ${redactSecrets(e.message)}`;

/** One-line summaries of the events whose payload an operator reads most. */
const SUMMARIES: Summaries = {
  "model.call.started": (e) => `${e.provider}/${e.model}${e.stream ? " stream" : ""}`,
  "model.call.finished": (e) =>
    [
      `${e.provider}/${e.model}${e.servedModel && e.servedModel !== e.model ? ` → ${e.servedModel}` : ""}`,
      ms(e.durationMs),
      e.timeToFirstTokenMs !== undefined ? `ttft ${ms(e.timeToFirstTokenMs)}` : "",
      e.queuedMs ? `queued ${ms(e.queuedMs)}` : "",
      `in ${e.usage.inputTokens} out ${e.usage.outputTokens}`,
      e.finishReason,
      e.cached ? "cached" : "",
    ]
      .filter(Boolean)
      .join(" "),
  "model.call.failed": (e) => `${e.provider}/${e.model} after ${ms(e.durationMs)} ${errorText(e.error)}`,
  "retry.scheduled": (e) =>
    `${e.model} attempt ${e.attempt} failed (${e.error.code}), retry in ${ms(e.delayMs)}`,
  "retry.attempted": (e) => `${e.model} attempt ${e.attempt}`,
  "fallback.taken": (e) => `${e.from} → ${e.to} (${e.error.code})${e.midStream ? " mid-stream" : ""}`,
  "breaker.changed": (e) => `${e.model} ${e.from} → ${e.to}`,
  "timeout.fired": (e) => `${e.model} after ${ms(e.afterMs)}${e.limit ? ` (${e.limit})` : ""}`,
  "cost.recorded": (e) =>
    `${e.provider}/${e.model} ${e.costUsd === undefined ? "unpriced" : `$${e.costUsd.toFixed(6)}`}`,
  "context.truncated": (e) =>
    `${e.strategy} dropped ${e.dropped}: ${e.tokensBefore} → ${e.tokensAfter} tokens (${e.messages} messages)`,
  "cache.hit": (e) => `${e.kind} ${e.model} age ${ms(e.ageMs)}`,
  "cache.miss": (e) => `${e.kind} ${e.model} ${e.reason}`,
  "flow.started": (e) => `${e.state}${e.resumed ? ` resumed at step ${e.step}` : ""}`,
  "flow.step.started": (e) => `${e.state} #${e.step} attempt ${e.attempt}`,
  "flow.step.failed": (e) =>
    `${e.state} #${e.step} attempt ${e.attempt} ${errorText(e.error)}${e.willRetry ? ", retrying" : ""}`,
  "flow.step.finished": (e) =>
    `${e.state} #${e.step} ${e.outcome} in ${ms(e.durationMs)}${e.next ? ` → ${e.next}` : ""}`,
  "flow.finished": (e) =>
    `${e.status} at ${e.state} after ${e.steps} steps${e.reason ? ` (${e.reason})` : ""}`,
  "retrieval.finished": (e) =>
    e.error
      ? `failed after ${ms(e.durationMs)} ${errorText(e.error)}`
      : `${e.ids.length} results${e.scores.length ? ` top ${e.scores[0]?.toFixed(3)}` : ""} in ${ms(e.durationMs)}`,
  "eval.scored": (e) => `${e.metric} ${e.score.toFixed(3)}${e.passed === false ? " FAILED" : ""}`,
};

/** Scalar payload fields as `key=value`, for events without a dedicated summary. */
function genericSummary(event: KeelEvent): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (key === "type" || key === "time" || key === "context") continue;
    if (value instanceof Error) parts.push(`${key}=${errorText(value as Error & { code?: string })}`);
    else if (value === null || typeof value !== "object") parts.push(`${key}=${String(value)}`);
  }
  return parts.join(" ");
}

/** The event's payload in a few words. */
export function summarizeEvent(event: KeelEvent): string {
  const summary = SUMMARIES[event.type] as ((e: KeelEvent) => string) | undefined;
  return summary ? summary(event) : genericSummary(event);
}

/** How bad or notable an event is, for coloring. */
export function eventTone(event: KeelEvent): "error" | "warn" | "ok" | "flow" | "info" {
  const { type } = event;
  if (type.endsWith(".failed") || (type === "retrieval.finished" && event.error)) return "error";
  if (type === "flow.finished" && event.status === "failed") return "error";
  if (
    /^(retry|fallback|breaker|timeout|budget|rate-limit|concurrency)\./.test(type) ||
    type === "context.truncated"
  )
    return "warn";
  if (type.startsWith("flow.")) return "flow";
  if (type.endsWith(".finished") || type === "cache.hit") return "ok";
  return "info";
}

const TONES = { error: "31", warn: "33", ok: "32", flow: "35", info: "36" } as const;
const paint = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** `run=… step=… tenant=…`, the unit of work an event belongs to. */
function contextText(event: KeelEvent): string {
  const c = event.context;
  if (!c) return "";
  return Object.entries(c)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace(/Id$/, "")}=${v}`)
    .join(" ");
}

/** One readable line for an event: UTC time, type, summary, context. */
export function formatEvent(event: KeelEvent, options: { colors?: boolean } = {}): string {
  const time = new Date(event.time).toISOString().slice(11, 23);
  const type = event.type.padEnd(20);
  const summary = summarizeEvent(event);
  const context = contextText(event);
  if (!options.colors) return [time, type, summary, context].filter(Boolean).join("  ");
  return [paint("2", time), paint(TONES[eventTone(event)], type), summary, context && paint("2", context)]
    .filter(Boolean)
    .join("  ");
}
