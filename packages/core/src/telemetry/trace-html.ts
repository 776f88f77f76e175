import type { LoggedEvent } from "./parse-event-lines.js";
import { TRACE_CSS, TRACE_SCRIPT } from "./trace-assets.js";
import {
  buildTrace,
  type TraceMarker,
  type TraceModel,
  type TraceRun,
  type TraceSpan,
  type TraceStep,
} from "./trace-model.js";

export interface TraceHtmlOptions {
  /** Page title. Default "Keel trace". */
  title?: string;
  /** Where the events came from (a file name), shown under the title. */
  source?: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const duration = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(5) : n.toFixed(4)}`;
const pct = (n: number) => `${Math.min(100, Math.max(0, n)).toFixed(3)}%`;

/** Maps times of one run onto percentages of its track. */
function scaleOf(run: TraceRun) {
  const span = Math.max(1, run.end - run.start);
  return { at: (t: number) => ((t - run.start) / span) * 100, span };
}
type Scale = ReturnType<typeof scaleOf>;

/** A round tick step giving about six ticks over `spanMs`. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

function axis(scale: Scale): string {
  const step = tickStep(scale.span);
  let ticks = "";
  for (let t = 0; t <= scale.span; t += step)
    ticks += `<span class="tick" style="left:${pct((t / scale.span) * 100)}">${escapeHtml(duration(t))}</span>`;
  return `<div class="row axis"><div class="label"></div><div class="track">${ticks}</div><div class="meta"></div></div>`;
}

function bar(cls: string, start: number, end: number, scale: Scale, inner = ""): string {
  const left = scale.at(start);
  return `<div class="bar ${cls}" style="left:${pct(left)};width:${pct(scale.at(end) - left)}">${inner}</div>`;
}

const markersHtml = (markers: TraceMarker[], scale: Scale) =>
  markers
    .map(
      (m) =>
        `<span class="marker m-${m.kind}" data-marker="${m.kind}" style="left:${pct(scale.at(m.time))}" title="${escapeHtml(m.label)}"></span>`,
    )
    .join("");

function detailsHtml(id: string, facts: Array<[string, string]>, error?: string): string {
  const rows = facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("");
  const err = error ? `<dt>error</dt><dd class="err">${escapeHtml(error)}</dd>` : "";
  return `<div class="details" id="${id}"><dl>${rows}${err}</dl></div>`;
}

/** Renders rows one after another, numbering their detail panels. */
class Rows {
  #html = "";
  #n = 0;
  /** `cls` is the row's layout class (run, step, span); `kind` and `status` become data attributes. */
  add(
    cls: string,
    kind: string,
    status: string,
    label: string,
    track: string,
    meta: string,
    facts: Array<[string, string]>,
    error?: string,
  ) {
    const id = `d${this.#n++}`;
    this.#html += `<div class="row ${cls}" data-row="${kind}" data-status="${status}" data-details="${id}"><div class="label">${label}</div><div class="track">${track}</div><div class="meta">${escapeHtml(meta)}</div></div>${detailsHtml(id, facts, error)}`;
  }
  toString() {
    return this.#html;
  }
}

function spanRow(rows: Rows, s: TraceSpan, run: TraceRun, scale: Scale) {
  const total = s.end - s.start;
  const wait =
    s.ttftMs !== undefined && total > 0
      ? `<div class="wait" style="width:${pct((s.ttftMs / total) * 100)}"></div>`
      : "";
  const tokens = s.inputTokens !== undefined ? ` · ${s.inputTokens}→${s.outputTokens} tok` : "";
  const cost = s.costUsd !== undefined ? ` · ${usd(s.costUsd)}` : "";
  const facts: Array<[string, string]> = [
    ["starts at", `+${duration(s.start - run.start)}`],
    ["duration", duration(total)],
    ...(s.ttftMs !== undefined ? [["first token", duration(s.ttftMs)] as [string, string]] : []),
    ...(s.inputTokens !== undefined
      ? [["tokens in / out", `${s.inputTokens} / ${s.outputTokens}`] as [string, string]]
      : []),
    ...(s.costUsd !== undefined ? [["cost", usd(s.costUsd)] as [string, string]] : []),
    ...s.details,
  ];
  rows.add(
    "span",
    s.kind,
    s.status,
    `<span class="kind">${s.kind}</span>${escapeHtml(s.label)}`,
    bar(`${s.kind} ${s.status}`, s.start, s.end, scale, wait),
    `${duration(total)}${tokens}${cost}`,
    facts,
    s.error,
  );
}

function stepRow(rows: Rows, step: TraceStep, run: TraceRun, scale: Scale) {
  const attempts = step.attempts > 1 ? ` · ${step.attempts} attempts` : "";
  rows.add(
    "step",
    "step",
    step.status,
    `<span class="kind">step</span>${escapeHtml(step.stepId)}`,
    bar(`step ${step.status}`, step.start, step.end, scale) + markersHtml(step.markers, scale),
    `${duration(step.end - step.start)}${attempts}`,
    [
      ["state", step.state],
      ["status", step.status],
      ["starts at", `+${duration(step.start - run.start)}`],
      ...step.markers.map((m): [string, string] => [m.kind, m.label]),
    ],
    step.error,
  );
  for (const s of [...step.spans].sort((a, b) => a.start - b.start)) spanRow(rows, s, run, scale);
}

function runSection(run: TraceRun): string {
  const scale = scaleOf(run);
  const rows = new Rows();
  const name =
    run.runId === undefined ? "Calls outside any workflow" : `${run.flowId ?? "flow"} · run ${run.runId}`;
  const spans = [...run.spans, ...run.steps.flatMap((s) => s.spans)];
  const tokens = spans.reduce((n, s) => n + (s.inputTokens ?? 0) + (s.outputTokens ?? 0), 0);
  const cost = spans.reduce((n, s) => n + (s.costUsd ?? 0), 0);
  rows.add(
    "run",
    "run",
    run.status,
    escapeHtml(name),
    bar("run", run.start, run.end, scale) + markersHtml(run.markers, scale),
    `${duration(run.end - run.start)} · ${tokens} tok${cost ? ` · ${usd(cost)}` : ""}`,
    [
      ["started", new Date(run.start).toISOString()],
      ...(run.tenant !== undefined ? [["tenant", run.tenant] as [string, string]] : []),
      ...run.markers.map((m): [string, string] => [m.kind, m.label]),
    ],
    run.reason,
  );
  type Item = { start: number; draw: () => void };
  const items: Item[] = [
    ...run.steps.map((st) => ({ start: st.start, draw: () => stepRow(rows, st, run, scale) })),
    ...run.spans.map((sp) => ({ start: sp.start, draw: () => spanRow(rows, sp, run, scale) })),
  ];
  for (const item of items.sort((a, b) => a.start - b.start)) item.draw();
  const pill = run.status === "none" ? "" : `<span class="pill ${run.status}">${run.status}</span>`;
  const tenant = run.tenant !== undefined ? `<span class="sub">tenant ${escapeHtml(run.tenant)}</span>` : "";
  return `<section class="run" data-run="${escapeHtml(run.runId ?? "")}"><h2>${escapeHtml(name)} ${pill} ${tenant}</h2><div class="grid">${axis(scale)}${rows}</div></section>`;
}

function totalsHtml(model: TraceModel): string {
  const t = model.totals;
  const cards: Array<[string, string, string, boolean]> = [
    ["duration", "Duration", duration(t.durationMs), false],
    ["steps", "Steps", String(t.steps), false],
    ["calls", "Model calls", String(t.modelCalls), false],
    ["failed-calls", "Failed calls", String(t.failedCalls), t.failedCalls > 0],
    ["tokens", "Tokens in / out", `${t.inputTokens} / ${t.outputTokens}`, false],
    ["cost", "Cost", usd(t.costUsd), false],
    ["retries", "Retries", String(t.retries), false],
    ["fallbacks", "Fallbacks", String(t.fallbacks), false],
    ["cache-hits", "Cache hits", String(t.cacheHits), false],
    ["errors", "Errors", String(t.errors), t.errors > 0],
  ];
  return `<section class="totals">${cards
    .map(
      ([key, label, value, bad]) =>
        `<div class="card${bad ? " bad" : ""}" data-total="${key}"><b>${escapeHtml(value)}</b><span>${label}</span></div>`,
    )
    .join("")}</section>`;
}

const LEGEND = `<div class="legend"><span><i style="background:#5b7bd5"></i>step</span><span><i style="background:#3aa17e"></i>model call (pale part: waiting for the first token)</span><span><i style="background:#8a6fd1"></i>tool</span><span><i style="background:#2f8fc6"></i>retrieval</span><span><i style="background:#d84b4b"></i>failed</span><span><i class="marker m-retry"></i>retry</span><span><i class="marker m-fallback"></i>fallback</span><span><i class="marker m-cache"></i>cache hit</span><span><i class="marker m-truncation"></i>truncation</span><span><i class="marker m-attempt-failed"></i>failure / timeout</span><span><i class="marker m-eval"></i>eval score</span></div>`;

/**
 * Renders a JSON-lines event log (parsed with `parseEventLines`) as one self-contained HTML
 * page: a timeline per workflow run with its steps, model calls, tool calls and retrievals as
 * bars, retries, fallbacks, cache hits and truncations as markers, and token, cost and error
 * totals. Inline CSS and JS only; all log content is escaped. Click a row for its details.
 */
export function renderTraceHtml(events: LoggedEvent[], options: TraceHtmlOptions = {}): string {
  const model = buildTrace(events);
  const title = options.title ?? "Keel trace";
  const when = model.runs.length ? new Date(model.start).toISOString() : "no events";
  const sub = `${options.source ? `${escapeHtml(options.source)} · ` : ""}${escapeHtml(when)} · ${events.length} events`;
  const body = model.runs.length
    ? model.runs.map(runSection).join("")
    : `<p class="empty">The log holds no events.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${TRACE_CSS}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><div class="sub">${sub}</div></header>
${totalsHtml(model)}${body}${LEGEND}
<script>${TRACE_SCRIPT}</script></body></html>
`;
}
