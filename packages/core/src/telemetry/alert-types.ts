import type { AlertKind } from "./alert-rules.js";

/** What each kind of alert reports besides the common fields. */
export interface AlertDetails {
  "latency-spike": {
    metric: "latencyMs" | "ttftMs";
    quantile: number;
    current: number;
    baseline: number;
    samples: number;
  };
  "cost-spike": { currentUsd: number; baselineUsd: number | undefined };
  "error-rate-spike": { rate: number; baselineRate: number | undefined; errors: number; calls: number };
  "fallback-rate-spike": { rate: number; baselineRate: number | undefined; fallbacks: number; calls: number };
  "retrieval-failures": { rate: number; failures: number; retrievals: number };
  "model-version-mismatch": { model: string; served: string; pinned: string[] };
  hallucination: { metric: string; score: number; samples: number; callId?: string };
}

/** An alert of one kind: which rule fired, when, why, and the figures behind it. */
export type AlertOf<K extends AlertKind> = {
  kind: K;
  ruleId: string;
  severity: "info" | "warning" | "critical";
  /** When it fired (the engine's clock). */
  time: number;
  /** The group it fired for, e.g. `model=gpt-4o`; empty when the rule has no `by`. */
  group: string;
  /** The observed value and the bound it crossed. */
  value: number;
  threshold: number;
  /** Alerts of this rule and group held back by the cooldown since the previous one. */
  suppressed: number;
  message: string;
} & AlertDetails[K];

/** Any alert; switch on `kind` for its details. */
export type Alert = { [K in AlertKind]: AlertOf<K> }[AlertKind];

/** What a rule evaluator reports when its condition holds; the engine adds the common fields. */
export type Finding<K extends AlertKind = AlertKind> = {
  group: string;
  value: number;
  threshold: number;
  message: string;
} & AlertDetails[K];
