import type { Message } from "@keel/core";
import { redactPii } from "@keel/core/telemetry";
import { EvalInputError } from "../errors/index.js";
import type { EvalCase } from "../runner/types.js";

/** An event as read from a JSON-lines log (`parseEventLines` from `@keel/core/telemetry`). */
export interface LogEvent {
  type: string;
  time: number;
  context?: Record<string, string | undefined>;
  [field: string]: unknown;
}

/** Which logged calls become cases. */
export interface DatasetFilter {
  /** `negative` (score < 0.5, or a negative label), `positive`, `any` feedback (default), `none` (all calls), or one label. */
  feedback?: "negative" | "positive" | "any" | "none" | { label: string };
  tenant?: string;
  /** Requested or served model id. */
  model?: string;
  /** Epoch ms bounds on the call's time. */
  since?: number;
  until?: number;
}

const NEGATIVE = /^(thumbs[-_ ]?down|bad|wrong|incorrect|unsafe|unhelpful|hallucinat\w*|negative|-1|0)$/i;
const POSITIVE = /^(thumbs[-_ ]?up|good|correct|helpful|positive|\+?1)$/i;

type Fb = { score?: number; label?: string; comment?: string; correction?: string };

function isNegative(f: Fb): boolean {
  return (f.score !== undefined && f.score < 0.5) || (f.label !== undefined && NEGATIVE.test(f.label));
}
function isPositive(f: Fb): boolean {
  return (f.score !== undefined && f.score >= 0.5) || (f.label !== undefined && POSITIVE.test(f.label));
}

function redactMessages(messages: Message[], redact: (s: string) => string): Message[] {
  return messages.map((m) => {
    if (typeof m.content === "string") return { ...m, content: redact(m.content) } as Message;
    return {
      ...m,
      content: m.content.map((p) =>
        "text" in p && typeof p.text === "string" ? { ...p, text: redact(p.text) } : p,
      ),
    } as Message;
  });
}

function outputText(output: unknown): string | undefined {
  if (!Array.isArray(output)) return undefined;
  return output
    .map((p) =>
      p && typeof p === "object" && (p as { type?: string }).type === "text"
        ? String((p as { text?: unknown }).text ?? "")
        : "",
    )
    .join("");
}

/**
 * Turns logged production calls into dataset cases: pairs each `model.call.finished` with its
 * `model.call.started` (by `callId`; the prompt and answer are there when content capture was
 * on), attaches `feedback.recorded` events (by call id, or by run id for feedback on a whole
 * run), filters, and redacts PII with core's redactor. A user's correction becomes `expected`;
 * the logged answer is kept in `tags.loggedOutput` for comparison.
 */
export function datasetFromEvents(
  events: readonly LogEvent[],
  filter: DatasetFilter = {},
  options: { redact?: (text: string) => string } = {},
): { cases: EvalCase[]; skipped: { noContent: number; filtered: number } } {
  const redact = options.redact ?? redactPii;
  const started = new Map<string, LogEvent>();
  const feedbackByTarget = new Map<string, Fb[]>();
  for (const e of events) {
    if (e.type === "model.call.started" && typeof e.callId === "string") started.set(e.callId, e);
    if (e.type === "feedback.recorded" && typeof e.targetId === "string") {
      const list = feedbackByTarget.get(e.targetId) ?? [];
      list.push(e as unknown as Fb);
      feedbackByTarget.set(e.targetId, list);
    }
  }
  const mode = filter.feedback ?? "any";
  const cases: EvalCase[] = [];
  let noContent = 0;
  let filtered = 0;
  for (const e of events) {
    if (e.type !== "model.call.finished" || typeof e.callId !== "string") continue;
    const fb = [
      ...(feedbackByTarget.get(e.callId) ?? []),
      ...(e.context?.runId ? (feedbackByTarget.get(e.context.runId) ?? []) : []),
      ...(e.context?.flowId ? (feedbackByTarget.get(e.context.flowId) ?? []) : []),
    ];
    const tenant = e.context?.tenant;
    const model = String(e.model ?? "");
    const keep =
      (filter.tenant === undefined || tenant === filter.tenant) &&
      (filter.model === undefined || model === filter.model || e.servedModel === filter.model) &&
      (filter.since === undefined || e.time >= filter.since) &&
      (filter.until === undefined || e.time <= filter.until) &&
      (mode === "none" ||
        (mode === "any" && fb.length > 0) ||
        (mode === "negative" && fb.some(isNegative)) ||
        (mode === "positive" && fb.some(isPositive)) ||
        (typeof mode === "object" && fb.some((f) => f.label === mode.label)));
    if (!keep) {
      filtered++;
      continue;
    }
    const input = started.get(e.callId)?.input;
    const output = outputText(e.output);
    if (!Array.isArray(input) || output === undefined) {
      noContent++;
      continue;
    }
    const correction = fb.find((f) => typeof f.correction === "string")?.correction;
    const tags: Record<string, string> = { source: "production", model, loggedOutput: redact(output) };
    if (tenant) tags.tenant = tenant;
    const last = fb.at(-1);
    if (last?.label) tags.feedback = last.label;
    if (last?.score !== undefined) tags.feedbackScore = String(last.score);
    if (last?.comment) tags.comment = redact(last.comment);
    cases.push({
      id: e.callId,
      input: redactMessages(input as Message[], redact),
      ...(correction ? { expected: redact(correction) } : {}),
      tags,
    });
  }
  return { cases, skipped: { noContent, filtered } };
}

/** Parses an ISO date or epoch milliseconds for `--since` / `--until`. */
export function parseTime(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n))
    throw new EvalInputError(`${flag} must be an ISO date or epoch milliseconds, got "${value}"`);
  return n;
}
