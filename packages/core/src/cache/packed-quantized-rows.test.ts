import { describe, expect, it } from "vitest";
import { PackedQuantizedRows } from "./packed-quantized-rows.js";
import { dotRow, unitVector } from "./semantic-store.js";

/** Seeded uniform [0, 1) generator (mulberry32), so failures reproduce. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

describe("PackedQuantizedRows", () => {
  it.each([1, 3, 17, 384, 1536])(
    "bounds every row's exact score in %i dimensions, for every row sharing a float64 and for rewritten rows",
    (dims) => {
      const random = seeded(7 + dims);
      const count = 41;
      const matrix = new Float32Array(count * dims);
      const rows = new PackedQuantizedRows(dims, count);
      const write = (i: number) => {
        // Mixed magnitudes, including non-unit rows, so both lanes carry varied integers.
        const scale = i % 5 === 0 ? 30 : 1;
        const v = Float32Array.from({ length: dims }, () => (random() - 0.5) * scale);
        matrix.set(v, i * dims);
        rows.write(i, v);
      };
      for (let i = 0; i < count; i++) write(i);
      for (let i = 0; i < count; i += 3) write(i);
      const upper = new Float64Array(count);
      const lower = new Float64Array(count);
      for (let n = 0; n < 20; n++) {
        const query = unitVector(Array.from({ length: dims }, () => random() - 0.5))!;
        expect(rows.bound(query, count, upper, lower)).toBe(true);
        for (let i = 0; i < count; i++) {
          const exact = dotRow(matrix, i, query);
          expect(lower[i]).toBeLessThanOrEqual(exact);
          expect(upper[i]).toBeGreaterThanOrEqual(exact);
          // Tight enough to prune: about 4 |r| sqrt(dims / 12) / 350 wide, far below |r|.
          const norm = Math.sqrt(dotRow(matrix, i, matrix.subarray(i * dims, (i + 1) * dims)));
          expect(upper[i]! - lower[i]!).toBeLessThan((norm * Math.sqrt(dims)) / 100);
        }
      }
    },
  );

  it("keeps the rows already written when it grows, sharing float64s with the rows written after", () => {
    const random = seeded(3);
    const dims = 5;
    const count = 8;
    const matrix = new Float32Array(count * dims);
    const rows = new PackedQuantizedRows(dims, 2);
    const write = (i: number) => {
      const v = Float32Array.from({ length: dims }, () => random() - 0.5);
      matrix.set(v, i * dims);
      rows.write(i, v);
    };
    write(0);
    write(1);
    rows.grow(count);
    for (let i = 2; i < count; i++) write(i);
    const upper = new Float64Array(count);
    const lower = new Float64Array(count);
    for (let n = 0; n < 10; n++) {
      const query = unitVector(Array.from({ length: dims }, () => random() - 0.5))!;
      expect(rows.bound(query, count, upper, lower)).toBe(true);
      for (let i = 0; i < count; i++) {
        const exact = dotRow(matrix, i, query);
        expect(lower[i]).toBeLessThanOrEqual(exact);
        expect(upper[i]).toBeGreaterThanOrEqual(exact);
        expect(upper[i]! - lower[i]!).toBeLessThan(0.05);
      }
    }
  });

  it("bounds a query of any length, and fills only the first `count` rows", () => {
    const random = seeded(11);
    const dims = 6;
    const count = 5;
    const matrix = new Float32Array(count * dims);
    const rows = new PackedQuantizedRows(dims, count + 2);
    for (let i = 0; i < count; i++) {
      const v = Float32Array.from({ length: dims }, () => random() - 0.5);
      matrix.set(v, i * dims);
      rows.write(i, v);
    }
    for (const length of [0.001, 3, 1000]) {
      const upper = new Float64Array(count + 2).fill(-7);
      const lower = new Float64Array(count + 2).fill(-7);
      const query = Float32Array.from({ length: dims }, () => (random() - 0.5) * length);
      expect(rows.bound(query, count, upper, lower)).toBe(true);
      for (let i = 0; i < count; i++) {
        const exact = dotRow(matrix, i, query);
        expect(lower[i], `${length}/${i}`).toBeLessThanOrEqual(exact);
        expect(upper[i], `${length}/${i}`).toBeGreaterThanOrEqual(exact);
        // As tight relative to |r| |q| whatever the query's length.
        const rowNorm = Math.sqrt(dotRow(matrix, i, matrix.subarray(i * dims, (i + 1) * dims)));
        const queryNorm = Math.sqrt(dotRow(query, 0, query));
        expect(upper[i]! - lower[i]!).toBeLessThan(0.05 * rowNorm * queryNorm);
      }
      expect([...upper.slice(count)]).toEqual([-7, -7]);
      expect([...lower.slice(count)]).toEqual([-7, -7]);
    }
  });

  it("marks rows it cannot quantize as unbounded, and refuses a zero query or huge dimensions", () => {
    const rows = new PackedQuantizedRows(2, 4);
    rows.write(0, [0, 0]);
    rows.write(1, [Number.NaN, 1]);
    rows.write(2, [1e300, 1e300]);
    rows.write(3, [0.6, 0.8]);
    const upper = new Float64Array(4);
    const lower = new Float64Array(4);
    expect(rows.bound(new Float32Array([0, 0]), 4, upper, lower)).toBe(false);
    expect(rows.bound(new Float32Array([1, 0]), 4, upper, lower)).toBe(true);
    expect([...upper.slice(0, 3)]).toEqual([Infinity, Infinity, Infinity]);
    expect(lower[3]).toBeLessThanOrEqual(0.6000000238418579);
    expect(upper[3]).toBeGreaterThanOrEqual(0.6000000238418579);
    expect(upper[3]! - lower[3]!).toBeLessThan(0.02);
    // Past about 500,000 dimensions the lanes cannot stay exact, so the caller must scan.
    const huge = new Float32Array(600_000).fill(1);
    expect(new PackedQuantizedRows(huge.length, 1).bound(huge, 1, upper, lower)).toBe(false);
  });
});
