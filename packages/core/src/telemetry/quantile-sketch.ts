import { InvalidRequestError } from "../errors.js";

/**
 * A DDSketch (Masson, Rim and Lee, VLDB 2019): each value goes into a logarithmic bucket, so every
 * quantile it answers is within `relativeAccuracy` of the value really at that rank, and sketches
 * merge exactly. Buckets are sparse; at 1% there are about 115 per factor of 10 in the values.
 * The accuracy holds for every normal double; below 2.2e-308 (subnormals, which carry too few
 * bits to stand in for each other within 1%) it can be missed.
 *
 * Written here instead of taken from `@datadog/sketches-js`: that package's protobuf code does
 * `require("protobufjs/minimal")`, a package it does not depend on, so no bundler (esbuild,
 * webpack, wrangler) could bundle `@keel/core` for an edge runtime while it was imported.
 */
export class QuantileSketch {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  readonly relativeAccuracy: number;
  readonly #logGamma: number;
  readonly #gamma: number;
  /** Bucket key → count, for values > 0 and for the magnitudes of values < 0. */
  readonly #positive = new Map<number, number>();
  readonly #negative = new Map<number, number>();
  #zeros = 0;

  constructor(relativeAccuracy: number) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
      throw new InvalidRequestError(`sketch: relativeAccuracy must be in (0, 1), got ${relativeAccuracy}`);
    this.relativeAccuracy = relativeAccuracy;
    // At a bucket's edge the stand-in's error is exactly the accuracy; float rounding can then
    // push it a hair over. Buckets a millionth narrower keep the promise strictly.
    const internal = relativeAccuracy * (1 - 1e-6);
    this.#gamma = (1 + internal) / (1 - internal);
    this.#logGamma = Math.log(this.#gamma);
  }

  /** Adds one finite value. */
  accept(input: number): void {
    if (!Number.isFinite(input)) throw new InvalidRequestError(`sketch: cannot record ${input}`);
    // -0 is recorded as 0, so the minimum and maximum never come back as -0.
    const value = input === 0 ? 0 : input;
    if (value > 0) add(this.#positive, this.#key(value), 1);
    else if (value < 0) add(this.#negative, this.#key(-value), 1);
    else this.#zeros += 1;
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds everything `other` holds; both must have the same accuracy. */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy)
      throw new InvalidRequestError(
        `sketch: cannot merge accuracy ${other.relativeAccuracy} into ${this.relativeAccuracy}`,
      );
    for (const [key, n] of other.#positive) add(this.#positive, key, n);
    for (const [key, n] of other.#negative) add(this.#negative, key, n);
    this.#zeros += other.#zeros;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /**
   * The sketch as plain JSON data, so a sketch made in one process can be sent to another and
   * merged there (`QuantileSketch.fromJSON`): P99 over a fleet from every replica's sketch.
   */
  toJSON(): SketchData {
    return {
      relativeAccuracy: this.relativeAccuracy,
      count: this.count,
      sum: this.sum,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      zeros: this.#zeros,
      positive: [...this.#positive],
      negative: [...this.#negative],
    };
  }

  /** Rebuilds a sketch from `toJSON()` data; throws `InvalidRequestError` on data that is not one. */
  static fromJSON(data: SketchData): QuantileSketch {
    const bad = (what: string) => new InvalidRequestError(`sketch: cannot read sketch data: ${what}`);
    if (typeof data !== "object" || data === null) throw bad("not an object");
    const sketch = new QuantileSketch(data.relativeAccuracy);
    const pairs = (list: unknown, name: string) => {
      if (!Array.isArray(list)) throw bad(`${name} is not a list`);
      let total = 0;
      for (const pair of list) {
        const [key, n] = Array.isArray(pair) ? pair : [];
        if (!Number.isInteger(key) || !Number.isInteger(n) || n < 1)
          throw bad(`${name} holds ${JSON.stringify(pair)}`);
        total += n;
      }
      return { map: new Map(list as Array<[number, number]>), total };
    };
    const positive = pairs(data.positive, "positive");
    const negative = pairs(data.negative, "negative");
    if (!Number.isInteger(data.zeros) || data.zeros < 0) throw bad(`zeros is ${data.zeros}`);
    if (positive.total + negative.total + data.zeros !== data.count)
      throw bad(`count ${data.count} is not the sum of its buckets`);
    if (
      data.count > 0 &&
      !(Number.isFinite(data.min) && Number.isFinite(data.max) && Number.isFinite(data.sum))
    )
      throw bad("min, max or sum missing");
    for (const [key, n] of positive.map) sketch.#positive.set(key, n);
    for (const [key, n] of negative.map) sketch.#negative.set(key, n);
    sketch.#zeros = data.zeros;
    sketch.count = data.count;
    if (data.count > 0) {
      sketch.sum = data.sum;
      sketch.min = data.min as number;
      sketch.max = data.max as number;
    }
    return sketch;
  }

  /** The value at quantile `q` in [0, 1] (the one at rank ⌊q·(count−1)⌋), or undefined when empty. */
  quantile(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new InvalidRequestError(`sketch: quantile must be in [0, 1], got ${q}`);
    if (this.count === 0) return undefined;
    const rank = Math.floor(q * (this.count - 1));
    // The extremes are known exactly.
    if (rank === 0) return this.min;
    if (rank === this.count - 1) return this.max;
    let seen = 0;
    // Ascending order: negatives from the largest magnitude down, zeros, then positives up.
    for (const [key, n] of [...this.#negative].sort((a, b) => b[0] - a[0])) {
      seen += n;
      if (seen > rank) return this.#clamp(-this.#value(key));
    }
    seen += this.#zeros;
    if (seen > rank) return 0;
    for (const [key, n] of [...this.#positive].sort((a, b) => a[0] - b[0])) {
      seen += n;
      if (seen > rank) return this.#clamp(this.#value(key));
    }
    return this.max;
  }

  /** The bucket of a magnitude: values in (γ^(k−1), γ^k] share key k. */
  #key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this.#logGamma);
  }

  /** The value that stands for bucket k: within the relative accuracy of all of (γ^(k−1), γ^k]. */
  #value(key: number): number {
    return (2 * this.#gamma ** key) / (1 + this.#gamma);
  }

  /** Never answers outside what was recorded (the lowest and highest buckets' stand-ins can be). */
  #clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, value));
  }
}

/** A `QuantileSketch` as JSON data: bucket key → count pairs plus the exact count, sum, min and max. */
export interface SketchData {
  relativeAccuracy: number;
  count: number;
  sum: number;
  /** null when the sketch is empty. */
  min: number | null;
  max: number | null;
  zeros: number;
  positive: Array<[key: number, count: number]>;
  negative: Array<[key: number, count: number]>;
}

function add(buckets: Map<number, number>, key: number, n: number): void {
  buckets.set(key, (buckets.get(key) ?? 0) + n);
}
