/** When a share of failing calls opens a circuit (the failure-rate mode of `circuitBreaker`). */
export interface FailureRateRule {
  /** The failing share, in (0, 1], that opens the circuit, e.g. 0.5. */
  threshold: number;
  /** Fewest calls in the window before the share counts, so two early failures do not trip it. */
  minimumCalls: number;
  /** The rolling window, in ms. */
  windowMs: number;
}

/** A rolling window of outcomes as buckets `[start, calls, failures]`, a tenth of the window wide; plain data so it can be stored. */
export type OutcomeBuckets = Array<[start: number, calls: number, failures: number]>;

const BUCKETS_PER_WINDOW = 10;

/** Adds one outcome at `now` and drops buckets that left the window; returns the buckets. */
export function recordOutcome(
  buckets: OutcomeBuckets,
  now: number,
  windowMs: number,
  failed: boolean,
): OutcomeBuckets {
  const width = windowMs / BUCKETS_PER_WINDOW;
  const start = Math.floor(now / width) * width;
  const kept = buckets.filter(([at]) => at > now - windowMs);
  const last = kept[kept.length - 1];
  if (last && last[0] === start) {
    last[1] += 1;
    if (failed) last[2] += 1;
  } else kept.push([start, 1, failed ? 1 : 0]);
  return kept;
}

/** True when the window's calls reach `minimumCalls` and their failing share reaches `threshold`. */
export function rateTripped(buckets: OutcomeBuckets, now: number, rule: FailureRateRule): boolean {
  let calls = 0;
  let failures = 0;
  for (const [at, c, f] of buckets)
    if (at > now - rule.windowMs) {
      calls += c;
      failures += f;
    }
  return calls >= rule.minimumCalls && failures >= rule.threshold * calls;
}
