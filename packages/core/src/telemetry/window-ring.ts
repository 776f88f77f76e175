import { InvalidRequestError } from "../errors.js";

export interface WindowRingOptions<T> {
  /** Width of one sub-window. Reads are aligned to sub-window boundaries. */
  subWindowMs: number;
  /** Sub-windows kept; history covers `subWindowMs × slots`. */
  slots: number;
  /** The clock. Default `Date.now`; inject one in tests. */
  now?: () => number;
  /** Makes the empty state of a sub-window. */
  create: () => T;
}

/**
 * A ring of time-bucketed states: writes go to the sub-window of `now()`, reads gather the
 * sub-windows of a span. Stale slots are recycled on write, so memory stays fixed.
 */
export class WindowRing<T> {
  readonly subWindowMs: number;
  readonly #slots: Array<{ index: number; state: T } | undefined>;
  readonly #now: () => number;
  readonly #create: () => T;

  constructor(options: WindowRingOptions<T>) {
    const { subWindowMs, slots } = options;
    if (!(subWindowMs > 0) || !Number.isFinite(subWindowMs))
      throw new InvalidRequestError(`window: subWindowMs must be a positive number, got ${subWindowMs}`);
    if (!Number.isInteger(slots) || slots < 1)
      throw new InvalidRequestError(`window: slots must be a positive integer, got ${slots}`);
    this.subWindowMs = subWindowMs;
    this.#slots = new Array(slots);
    this.#now = options.now ?? Date.now;
    this.#create = options.create;
  }

  /** The state of the current sub-window, fresh if its slot held an older one. */
  current(): T {
    const index = Math.floor(this.#now() / this.subWindowMs);
    const at = index % this.#slots.length;
    const slot = this.#slots[at];
    if (slot?.index === index) return slot.state;
    const state = this.#create();
    this.#slots[at] = { index, state };
    return state;
  }

  /**
   * States of the sub-windows in the span of `spanMs` that ends `offsetMs` ago; the current,
   * partly filled sub-window counts as the latest. Both are rounded to whole sub-windows.
   */
  collect(spanMs: number, offsetMs = 0): T[] {
    const span = Math.max(1, Math.round(spanMs / this.subWindowMs));
    const offset = Math.max(0, Math.round(offsetMs / this.subWindowMs));
    if (span + offset > this.#slots.length)
      throw new InvalidRequestError(
        `window: asked for ${span + offset} sub-windows of ${this.subWindowMs} ms but only ${this.#slots.length} are kept`,
      );
    const newest = Math.floor(this.#now() / this.subWindowMs) - offset;
    const out: T[] = [];
    for (const slot of this.#slots)
      if (slot && slot.index <= newest && slot.index > newest - span) out.push(slot.state);
    return out;
  }
}
