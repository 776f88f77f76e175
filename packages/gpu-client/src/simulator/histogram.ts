/** Bucket edges (seconds) of vLLM's latency histograms (`vllm/v1/metrics/loggers.py`). */
export const LATENCY_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
  80.0, 160.0, 640.0, 2560.0,
];

/** A cumulative Prometheus histogram: bucket counts, sum and count, in constant memory. */
export class Histogram {
  readonly edges: readonly number[];
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(edges: readonly number[] = LATENCY_BUCKETS) {
    this.edges = edges;
    this.counts = new Array(edges.length).fill(0);
  }

  /** Records one observation. */
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.edges.length; i++) if (value <= this.edges[i]!) this.counts[i]!++;
  }
}
