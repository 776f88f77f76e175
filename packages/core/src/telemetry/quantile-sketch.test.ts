import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { QuantileSketch } from "./quantile-sketch.js";

const ACCURACY = 0.01;

/** The exact value the sketch approximates: the one at rank ⌊q·(n−1)⌋ of the sorted values. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function within(got: number | undefined, want: number): boolean {
  return got !== undefined && Math.abs(got - want) <= ACCURACY * Math.abs(want);
}

// Normal doubles only: the accuracy promise excludes subnormals (see the class comment).
const value = fc.oneof(
  fc
    .double({ min: -1e9, max: 1e9, noNaN: true })
    .filter((v) => v === 0 || Math.abs(v) >= 2.2250738585072014e-308),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.constant(0),
);

describe("QuantileSketch", () => {
  it("answers every quantile within its relative accuracy, negatives and zeros included", () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const sketch = new QuantileSketch(ACCURACY);
          for (const v of values) sketch.accept(v);
          // The sketch records -0 as 0 (toBe would tell them apart).
          const sorted = values.map((v) => (v === 0 ? 0 : v)).sort((a, b) => a - b);
          expect(within(sketch.quantile(q), exact(sorted, q))).toBe(true);
          expect(sketch.quantile(0)).toBe(sorted[0]);
          expect(sketch.quantile(1)).toBe(sorted.at(-1));
          expect(sketch.count).toBe(values.length);
        },
      ),
    );
  });

  it("keeps its accuracy for values exactly on and next to a bucket edge (float rounding)", () => {
    const gamma = (1 + ACCURACY) / (1 - ACCURACY);
    for (let k = -2000; k <= 2000; k += 7)
      for (const v of [gamma ** k, gamma ** k * (1 + 1e-15), gamma ** k * (1 - 1e-15)]) {
        const sketch = new QuantileSketch(ACCURACY);
        for (const x of [-1e300, v, 1e300]) sketch.accept(x);
        expect(within(sketch.quantile(0.5), v)).toBe(true);
      }
  });

  it("merges into the sketch of all the values", () => {
    fc.assert(
      fc.property(fc.array(value), fc.array(value), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, q) => {
        const left = new QuantileSketch(ACCURACY);
        const right = new QuantileSketch(ACCURACY);
        const both = new QuantileSketch(ACCURACY);
        for (const v of a) left.accept(v);
        for (const v of b) right.accept(v);
        for (const v of [...a, ...b]) both.accept(v);
        left.merge(right);
        expect(left.count).toBe(both.count);
        expect(left.sum).toBeCloseTo(both.sum, 3);
        expect(left.quantile(q)).toBe(both.quantile(q));
      }),
    );
  });

  it("records -0 as 0", () => {
    const sketch = new QuantileSketch(ACCURACY);
    sketch.accept(-0);
    sketch.accept(0);
    expect(Object.is(sketch.min, 0)).toBe(true);
    expect(Object.is(sketch.quantile(0), 0)).toBe(true);
  });

  it("is empty until a value arrives and refuses what it cannot hold", () => {
    const sketch = new QuantileSketch(ACCURACY);
    expect(sketch.quantile(0.5)).toBeUndefined();
    expect(() => sketch.accept(Number.POSITIVE_INFINITY)).toThrow(/cannot record Infinity/);
    expect(() => sketch.quantile(-0.1)).toThrow(/quantile must be in/);
    expect(() => new QuantileSketch(1)).toThrow(/relativeAccuracy must be in/);
    expect(() => sketch.merge(new QuantileSketch(0.02))).toThrow(/cannot merge/);
  });

  it("goes through JSON text and back unchanged, so sketches from other processes merge", () => {
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 100 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const merged = new QuantileSketch(ACCURACY);
        for (const part of parts) {
          const sketch = new QuantileSketch(ACCURACY);
          for (const v of part) sketch.accept(v);
          merged.merge(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch))));
        }
        const all = parts.flat();
        const whole = new QuantileSketch(ACCURACY);
        for (const v of all) whole.accept(v);
        expect(merged.count).toBe(all.length);
        for (const q of [0, 0.5, 0.9, 0.99, 1]) expect(merged.quantile(q)).toBe(whole.quantile(q));
        expect(QuantileSketch.fromJSON(merged.toJSON()).toJSON()).toEqual(merged.toJSON());
      }),
    );
  });

  it("refuses data that is not a sketch with InvalidRequestError", () => {
    const sketch = new QuantileSketch(ACCURACY);
    sketch.accept(5);
    const good = sketch.toJSON();
    expect(() => QuantileSketch.fromJSON({ ...good, count: 2 })).toThrow(/count 2/);
    expect(() => QuantileSketch.fromJSON({ ...good, positive: [[1.5, 1]] })).toThrow(InvalidRequestError);
    expect(() => QuantileSketch.fromJSON({ ...good, relativeAccuracy: 2 })).toThrow(/relativeAccuracy/);
    expect(() => QuantileSketch.fromJSON(null as never)).toThrow(/not an object/);
    const empty = QuantileSketch.fromJSON(new QuantileSketch(ACCURACY).toJSON());
    expect(empty.count).toBe(0);
    expect(empty.quantile(0.5)).toBeUndefined();
  });
});
