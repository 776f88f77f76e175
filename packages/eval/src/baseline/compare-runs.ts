import { EvalInputError } from "../errors/index.js";
import { seededRandom } from "../runner/seeded-random.js";
import type { EvalRun } from "../runner/types.js";

/** A CI gate on one metric. */
export interface Gate {
  /** Fail when the mean falls by more than this (absolute, on the 0–1 score) and the fall is significant. Default 0. */
  maxDrop?: number;
  /** Fail when the run's mean is below this, whatever the baseline. */
  min?: number;
}

/** One metric of a run against its baseline, over the cases both scored. */
export interface MetricComparison {
  metric: string;
  /** Cases scored on this metric in both runs. */
  n: number;
  baseline: number;
  current: number;
  delta: number;
  /** Paired bootstrap confidence interval of the mean difference. */
  ci: [low: number, high: number];
  /** The interval lies entirely below / above 0. */
  regression: boolean;
  improvement: boolean;
  gate?: Gate;
  failed: boolean;
  /** Why the gate failed. */
  reason?: string;
}

/** A case whose score moved, for the per-case diff table. */
export interface CaseDiff {
  id: string;
  metric: string;
  baseline: number;
  current: number;
  delta: number;
}

/** A run compared with a baseline. */
export interface RunComparison {
  runId: string;
  baselineId: string;
  confidence: number;
  resamples: number;
  metrics: MetricComparison[];
  /** Every case whose score changed, largest drop first. */
  caseDiffs: CaseDiff[];
  /** Case ids only one of the two runs has (they are not compared). */
  onlyInRun: string[];
  onlyInBaseline: string[];
  passed: boolean;
}

/** Options of `compareRuns`. */
export interface CompareOptions {
  /** Bootstrap resamples, default 2000. */
  resamples?: number;
  /** Default 0.95. */
  confidence?: number;
  seed?: number;
  /** Gates by metric; metrics without one get `{ maxDrop: 0 }` (any significant drop fails) unless `gates` is given. */
  gates?: Record<string, Gate>;
  /** Metrics to compare (default: every metric both runs have). */
  metrics?: string[];
}

/**
 * Paired bootstrap of the mean of `diffs`: resample the cases with replacement and take the
 * percentile interval of the resampled means.
 */
export function pairedBootstrap(
  diffs: readonly number[],
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): [number, number] {
  const n = diffs.length;
  if (n === 0) throw new EvalInputError("paired bootstrap needs at least one paired case");
  const b = options.resamples ?? 2000;
  const conf = options.confidence ?? 0.95;
  if (!(conf > 0 && conf < 1)) throw new EvalInputError(`confidence must be between 0 and 1, got ${conf}`);
  const r = seededRandom(options.seed ?? 0);
  const means = new Float64Array(b);
  for (let k = 0; k < b; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[Math.floor(r() * n)]!;
    means[k] = s / n;
  }
  means.sort();
  const lo = means[Math.floor(((1 - conf) / 2) * (b - 1))]!;
  const hi = means[Math.ceil((1 - (1 - conf) / 2) * (b - 1))]!;
  return [lo, hi];
}

/**
 * Compares a run with a baseline metric by metric on the cases both scored: mean difference,
 * its paired bootstrap confidence interval, regression / improvement flags and CI gates.
 * `passed` is false when any gate fails; `keel-eval compare` then exits non-zero.
 */
export function compareRuns(
  run: Pick<EvalRun, "id" | "cases">,
  baseline: Pick<EvalRun, "id" | "cases">,
  options: CompareOptions = {},
): RunComparison {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const base = new Map(baseline.cases.map((c) => [c.id, c]));
  const cur = new Map(run.cases.map((c) => [c.id, c]));
  const metricSet = new Set<string>();
  for (const c of run.cases) for (const m of Object.keys(c.scores)) metricSet.add(m);
  const baseMetrics = new Set<string>();
  for (const c of baseline.cases) for (const m of Object.keys(c.scores)) baseMetrics.add(m);
  const metrics = options.metrics ?? [...metricSet].filter((m) => baseMetrics.has(m)).sort();
  for (const g of Object.keys(options.gates ?? {}))
    if (!metrics.includes(g)) throw new EvalInputError(`gate on "${g}", which is not a metric of both runs`);
  const comparisons: MetricComparison[] = [];
  const caseDiffs: CaseDiff[] = [];
  metrics.forEach((metric, mi) => {
    const diffs: number[] = [];
    let sb = 0;
    let sc = 0;
    for (const [id, c] of cur) {
      const b = base.get(id)?.scores[metric];
      const s = c.scores[metric];
      if (!b || !s) continue;
      diffs.push(s.score - b.score);
      sb += b.score;
      sc += s.score;
      if (s.score !== b.score)
        caseDiffs.push({ id, metric, baseline: b.score, current: s.score, delta: s.score - b.score });
    }
    if (diffs.length === 0) throw new EvalInputError(`no case has a "${metric}" score in both runs`);
    const n = diffs.length;
    const ci = pairedBootstrap(diffs, { resamples, confidence, seed: (options.seed ?? 0) + mi });
    const delta = sc / n - sb / n;
    const gate = options.gates ? options.gates[metric] : { maxDrop: 0 };
    const regression = ci[1] < 0;
    let reason: string | undefined;
    if (gate?.min !== undefined && sc / n < gate.min)
      reason = `mean ${(sc / n).toFixed(4)} is below the minimum ${gate.min}`;
    else if (gate?.maxDrop !== undefined && regression && -delta > gate.maxDrop)
      reason = `fell by ${(-delta).toFixed(4)} (CI ${ci[0].toFixed(4)} to ${ci[1].toFixed(4)}), more than the allowed ${gate.maxDrop}`;
    comparisons.push({
      metric,
      n,
      baseline: sb / n,
      current: sc / n,
      delta,
      ci,
      regression,
      improvement: ci[0] > 0,
      ...(gate ? { gate } : {}),
      failed: reason !== undefined,
      ...(reason ? { reason } : {}),
    });
  });
  caseDiffs.sort((a, b) => a.delta - b.delta || a.id.localeCompare(b.id));
  return {
    runId: run.id,
    baselineId: baseline.id,
    confidence,
    resamples,
    metrics: comparisons,
    caseDiffs,
    onlyInRun: [...cur.keys()].filter((id) => !base.has(id)),
    onlyInBaseline: [...base.keys()].filter((id) => !cur.has(id)),
    passed: comparisons.every((c) => !c.failed),
  };
}
