import type { KeelEvent } from "../events.js";
import type { AlertKind, AlertRule, AlertRuleOf } from "./alert-rules.js";
import type { Finding } from "./alert-types.js";
import { WindowedCounter } from "./windowed-counter.js";
import { WindowedHistogram, type WindowOptions } from "./windowed-histogram.js";

/** Reads one event; returns a finding when the rule's condition holds after it. */
export type Evaluator = (event: KeelEvent) => Finding | undefined;

/** The clock and window geometry the engine gives every evaluator. */
export interface EvaluatorEnv {
  now: () => number;
  subWindows: number;
}

type Labels = { model?: string | undefined; provider?: string | undefined; tenant?: string | undefined };

/** The model, provider and tenant an event is about, where it says. */
function labelsOf(event: KeelEvent): Labels {
  const tenant = event.context?.tenant;
  switch (event.type) {
    case "model.call.finished":
    case "model.call.failed":
      return { model: event.model, provider: event.provider, tenant };
    case "fallback.taken":
      return { model: event.from, tenant };
    case "cost.recorded":
      return { model: event.model, provider: event.provider, tenant: event.tenant ?? tenant };
    case "eval.scored":
      return { model: event.model, tenant };
    default:
      return { tenant };
  }
}

/** The group an event falls in for the rule, or undefined when the rule's `where` excludes it. */
function groupFor(rule: AlertRule, event: KeelEvent): string | undefined {
  const labels = labelsOf(event);
  for (const [key, want] of Object.entries(rule.where ?? {}))
    if (want !== undefined && labels[key as keyof Labels] !== want) return undefined;
  return rule.by ? `${rule.by}=${labels[rule.by] ?? "unknown"}` : "";
}

/** Lazily created state per group. */
function perGroup<T>(create: () => T): (group: string) => T {
  const states = new Map<string, T>();
  return (group) => {
    let state = states.get(group);
    if (state === undefined) {
      state = create();
      states.set(group, state);
    }
    return state;
  };
}

/** Window options covering the current window and the baseline before it. */
function windowOf(env: EvaluatorEnv, windowMs: number, baselineMs = 0): WindowOptions {
  return { windowMs, retainMs: windowMs + baselineMs, subWindows: env.subWindows, now: env.now };
}

/** The lowest of the bounds that `value` exceeds, or undefined when it exceeds none. */
function crossed(value: number, bounds: Array<number | undefined>): number | undefined {
  let lowest: number | undefined;
  for (const b of bounds)
    if (b !== undefined && value > b && (lowest === undefined || b < lowest)) lowest = b;
  return lowest;
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const where = (group: string) => (group ? ` for ${group}` : "");

function latencySpike(rule: AlertRuleOf<"latency-spike">, env: EvaluatorEnv): Evaluator {
  const histogram = perGroup(() => new WindowedHistogram(windowOf(env, rule.windowMs, rule.baselineMs)));
  return (event) => {
    if (event.type !== "model.call.finished") return undefined;
    const group = groupFor(rule, event);
    const value = rule.metric === "ttftMs" ? event.timeToFirstTokenMs : event.durationMs;
    if (group === undefined || value === undefined) return undefined;
    const h = histogram(group);
    h.record(value);
    const current = h.summary();
    const baseline = h.summary(rule.baselineMs, rule.windowMs);
    if (current.count < rule.minSamples || baseline.count < rule.minSamples) return undefined;
    const now = current.quantile(rule.quantile)!;
    const before = baseline.quantile(rule.quantile)!;
    const threshold = rule.factor * before;
    if (!(now > threshold)) return undefined;
    const p = `P${Math.round(rule.quantile * 100)}`;
    return {
      group,
      value: now,
      threshold,
      message: `${p} ${rule.metric} ${Math.round(now)} ms${where(group)} is over ${rule.factor}× the baseline ${Math.round(before)} ms`,
      metric: rule.metric,
      quantile: rule.quantile,
      current: now,
      baseline: before,
      samples: current.count,
    };
  };
}

function costSpike(rule: AlertRuleOf<"cost-spike">, env: EvaluatorEnv): Evaluator {
  const state = perGroup(() => ({
    usd: new WindowedCounter(windowOf(env, rule.windowMs, rule.baselineMs)),
    calls: new WindowedCounter(windowOf(env, rule.windowMs, rule.baselineMs)),
    // A sum over a baseline the group has not lived through yet would be too low and fire.
    baselineFrom: env.now() + rule.windowMs + (rule.baselineMs ?? 0),
  }));
  return (event) => {
    if (event.type !== "cost.recorded" || event.costUsd === undefined) return undefined;
    const group = groupFor(rule, event);
    if (group === undefined) return undefined;
    const s = state(group);
    s.usd.add(event.costUsd);
    s.calls.add();
    if (s.calls.total() < rule.minSamples) return undefined;
    const current = s.usd.total();
    let baselineUsd: number | undefined;
    const covered = env.now() >= s.baselineFrom;
    if (
      rule.baselineMs !== undefined &&
      covered &&
      s.calls.total(rule.baselineMs, rule.windowMs) >= rule.minSamples
    )
      baselineUsd = (s.usd.total(rule.baselineMs, rule.windowMs) * rule.windowMs) / rule.baselineMs;
    const fromBaseline =
      baselineUsd !== undefined && rule.factor !== undefined ? rule.factor * baselineUsd : undefined;
    const threshold = crossed(current, [rule.maxUsd, fromBaseline]);
    if (threshold === undefined) return undefined;
    return {
      group,
      value: current,
      threshold,
      message: `cost $${current.toFixed(4)} in the last ${rule.windowMs / 1000}s${where(group)} is over $${threshold.toFixed(4)}`,
      currentUsd: current,
      baselineUsd,
    };
  };
}

function rateSpike(
  rule: AlertRuleOf<"error-rate-spike"> | AlertRuleOf<"fallback-rate-spike">,
  env: EvaluatorEnv,
): Evaluator {
  const errors = rule.kind === "error-rate-spike";
  const state = perGroup(() => ({
    hits: new WindowedCounter(windowOf(env, rule.windowMs, rule.baselineMs)),
    calls: new WindowedCounter(windowOf(env, rule.windowMs, rule.baselineMs)),
  }));
  return (event) => {
    const isCall = event.type === "model.call.finished" || event.type === "model.call.failed";
    const isHit = errors ? event.type === "model.call.failed" : event.type === "fallback.taken";
    if (!isCall && !isHit) return undefined;
    const group = groupFor(rule, event);
    if (group === undefined) return undefined;
    const s = state(group);
    if (isCall) s.calls.add();
    if (isHit) s.hits.add();
    const calls = s.calls.total();
    if (calls < rule.minSamples) return undefined;
    const hits = s.hits.total();
    const rate = hits / calls;
    let baselineRate: number | undefined;
    if (rule.baselineMs !== undefined) {
      const before = s.calls.total(rule.baselineMs, rule.windowMs);
      if (before >= rule.minSamples) baselineRate = s.hits.total(rule.baselineMs, rule.windowMs) / before;
    }
    const fromBaseline =
      baselineRate !== undefined && rule.factor !== undefined && rate >= rule.minRate
        ? rule.factor * baselineRate
        : undefined;
    const threshold = crossed(rate, [rule.maxRate, fromBaseline]);
    if (threshold === undefined) return undefined;
    const what = errors ? "error" : "fallback";
    const base = { group, value: rate, threshold, rate, baselineRate, calls };
    const message = `${what} rate ${pct(rate)} (${hits}/${calls})${where(group)} is over ${pct(threshold)}`;
    return errors ? { ...base, message, errors: hits } : { ...base, message, fallbacks: hits };
  };
}

function retrievalFailures(rule: AlertRuleOf<"retrieval-failures">, env: EvaluatorEnv): Evaluator {
  const state = perGroup(() => ({
    failures: new WindowedCounter(windowOf(env, rule.windowMs)),
    total: new WindowedCounter(windowOf(env, rule.windowMs)),
  }));
  return (event) => {
    if (event.type !== "retrieval.finished") return undefined;
    const group = groupFor(rule, event);
    if (group === undefined) return undefined;
    const s = state(group);
    s.total.add();
    if (event.error || event.ids.length === 0) s.failures.add();
    const retrievals = s.total.total();
    const failures = s.failures.total();
    if (retrievals < rule.minSamples || !(failures / retrievals > rule.maxRate)) return undefined;
    const rate = failures / retrievals;
    return {
      group,
      value: rate,
      threshold: rule.maxRate,
      message: `${pct(rate)} of retrievals (${failures}/${retrievals})${where(group)} failed or found nothing`,
      rate,
      failures,
      retrievals,
    };
  };
}

function modelVersionMismatch(rule: AlertRuleOf<"model-version-mismatch">): Evaluator {
  const pinned = typeof rule.pinned === "string" ? [rule.pinned] : rule.pinned;
  return (event) => {
    if (event.type !== "model.call.finished" || event.model !== rule.model) return undefined;
    const served = event.servedModel;
    const group = groupFor(rule, event);
    if (group === undefined || served === undefined || pinned.includes(served)) return undefined;
    return {
      group,
      value: 1,
      threshold: 0,
      message: `${rule.model} was served by ${served}, not the pinned ${pinned.join(" or ")}`,
      model: rule.model,
      served,
      pinned,
    };
  };
}

function hallucination(rule: AlertRuleOf<"hallucination">, env: EvaluatorEnv): Evaluator {
  const windowMs = rule.windowMs;
  const state =
    windowMs === undefined
      ? undefined
      : perGroup(() => ({
          sum: new WindowedCounter(windowOf(env, windowMs)),
          count: new WindowedCounter(windowOf(env, windowMs)),
        }));
  return (event) => {
    if (event.type !== "eval.scored" || event.metric !== rule.metric) return undefined;
    const group = groupFor(rule, event);
    if (group === undefined) return undefined;
    let score = event.score;
    let samples = 1;
    if (state) {
      const s = state(group);
      s.sum.add(event.score);
      s.count.add();
      samples = s.count.total();
      score = s.sum.total() / samples;
    }
    if (samples < rule.minSamples || !(score < rule.minScore)) return undefined;
    const mean = state ? `mean ${rule.metric} over ${samples} answers` : rule.metric;
    return {
      group,
      value: score,
      threshold: rule.minScore,
      message: `${mean} ${score.toFixed(3)}${where(group)} is below ${rule.minScore}`,
      metric: rule.metric,
      score,
      samples,
      ...(event.callId !== undefined && !state ? { callId: event.callId } : {}),
    };
  };
}

/** Builds the evaluator for a validated rule. */
export function evaluatorFor(rule: AlertRule, env: EvaluatorEnv): Evaluator {
  const kind: AlertKind = rule.kind;
  switch (rule.kind) {
    case "latency-spike":
      return latencySpike(rule, env);
    case "cost-spike":
      return costSpike(rule, env);
    case "error-rate-spike":
    case "fallback-rate-spike":
      return rateSpike(rule, env);
    case "retrieval-failures":
      return retrievalFailures(rule, env);
    case "model-version-mismatch":
      return modelVersionMismatch(rule);
    case "hallucination":
      return hallucination(rule, env);
  }
  throw new TypeError(`no evaluator for alert kind ${kind}`);
}
