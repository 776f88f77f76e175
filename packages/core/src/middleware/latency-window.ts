/** The most recent latency samples (a ring of fixed size), for quantile-based hedging delays. */
export class LatencyWindow {
  readonly #samples: number[] = [];
  #next = 0;

  constructor(readonly capacity: number) {}

  /** How many samples are held (at most `capacity`). */
  get size(): number {
    return this.#samples.length;
  }

  /** Adds a sample, replacing the oldest once full. */
  add(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The nearest-rank `q` quantile (0 < q < 1) of the samples; undefined when there are none. */
  quantile(q: number): number | undefined {
    if (this.#samples.length === 0) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  }
}
