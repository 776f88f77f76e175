import { InvalidRequestError } from "../errors.js";
import { WindowRing } from "./window-ring.js";
import { ringGeometry, type WindowOptions } from "./windowed-histogram.js";

/**
 * A sliding-window sum, for counts (calls, errors, fallbacks) and totals (cost). Same ring
 * geometry as `WindowedHistogram`, without the sketches.
 */
export class WindowedCounter {
  readonly windowMs: number;
  readonly #ring: WindowRing<{ value: number }>;

  constructor(options: WindowOptions) {
    this.windowMs = options.windowMs;
    this.#ring = new WindowRing({
      ...ringGeometry(options),
      ...(options.now ? { now: options.now } : {}),
      create: () => ({ value: 0 }),
    });
  }

  /** Adds `amount` (default 1) to the current sub-window. */
  add(amount = 1): void {
    if (!Number.isFinite(amount)) throw new InvalidRequestError(`counter: cannot add ${amount}`);
    this.#ring.current().value += amount;
  }

  /** The sum over the span of `spanMs` (default: the window) ending `offsetMs` ago. */
  total(spanMs = this.windowMs, offsetMs = 0): number {
    let sum = 0;
    for (const slot of this.#ring.collect(spanMs, offsetMs)) sum += slot.value;
    return sum;
  }
}
