import { InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { type AlertKind, type AlertRule, type AlertRuleInput, parseAlertRules } from "./alert-rules.js";
import type { Alert, AlertOf } from "./alert-types.js";
import { type Evaluator, evaluatorFor } from "./rule-evaluators.js";

export interface AlertEngineOptions {
  /** The rules, as data (validated here) or as JSON text. */
  rules: AlertRuleInput[] | AlertRule[] | string;
  /** Called for every alert. */
  onAlert?: (alert: Alert) => void;
  /** Called for alerts of one kind, with that kind's details typed. */
  on?: { [K in AlertKind]?: (alert: AlertOf<K>) => void };
  /** Receives errors thrown by callbacks. Default `console.error`. */
  onError?: (error: unknown, alert: Alert) => void;
  /** The hub to watch. Default: the global `events` hub. */
  events?: EventHub;
  /** The clock for windows and cooldowns. Default `Date.now`; inject one in tests. */
  now?: () => number;
  /** Sub-windows per rule window (the window slides by one). Default 6. */
  subWindows?: number;
}

/** A running set of alert rules. */
export interface AlertEngine {
  readonly rules: readonly AlertRule[];
  /** Feeds one event by hand (the engine already receives the hub's). */
  observe(event: KeelEvent): void;
  /** Stops watching the hub. */
  stop(): void;
}

/**
 * Watches a hub with alert rules: latency, cost, error-rate and fallback-rate spikes, retrieval
 * failures, model version mismatches and low groundedness scores. When a rule's condition holds
 * it calls `onAlert` (and `on[kind]`) with a typed alert, then stays quiet for that rule and
 * group for `cooldownMs`; the next alert says how many it held back. Async because validating
 * the rules loads zod on first use (importing core does not).
 */
export async function alertRules(options: AlertEngineOptions): Promise<AlertEngine> {
  if (!options.onAlert && !options.on)
    throw new InvalidRequestError("alertRules: give onAlert or on, or alerts would go nowhere");
  const rules = await parseAlertRules(options.rules);
  const now = options.now ?? Date.now;
  const env = { now, subWindows: options.subWindows ?? 6 };
  const evaluators: Array<[AlertRule, Evaluator]> = rules.map((r) => [r, evaluatorFor(r, env)]);
  const quiet = new Map<string, { until: number; suppressed: number }>();
  const onError =
    options.onError ?? ((error: unknown) => console.error("keel alert callback failed:", error));

  function deliver(alert: Alert) {
    const handlers = [options.onAlert, options.on?.[alert.kind] as ((a: Alert) => void) | undefined];
    for (const handler of handlers) {
      if (!handler) continue;
      try {
        handler(alert);
      } catch (error) {
        onError(error, alert);
      }
    }
  }

  function observe(event: KeelEvent) {
    for (const [rule, evaluate] of evaluators) {
      const finding = evaluate(event);
      if (!finding) continue;
      const key = `${rule.id}\u0000${finding.group}`;
      const t = now();
      const state = quiet.get(key);
      if (state && t < state.until) {
        state.suppressed++;
        continue;
      }
      quiet.set(key, { until: t + rule.cooldownMs, suppressed: 0 });
      deliver({
        ...finding,
        kind: rule.kind,
        ruleId: rule.id,
        severity: rule.severity,
        time: t,
        suppressed: state?.suppressed ?? 0,
      } as Alert);
    }
  }

  const stop = (options.events ?? globalEvents).on(observe);
  return { rules, observe, stop };
}
