import { describe, expect, it } from "vitest";
import { dotRow, dotRowSparse, sparseQuery, unitVector } from "./semantic-store.js";

const naiveDot = (matrix: Float32Array, row: number, query: Float32Array) => {
  let sum = 0;
  for (let j = 0; j < query.length; j++) sum += matrix[row * query.length + j]! * query[j]!;
  return sum;
};

describe("unitVector", () => {
  it("scales a vector to length 1 in a new Float32Array, leaving the input alone", () => {
    const input = [3, 4];
    const unit = unitVector(input)!;
    expect(unit).toBeInstanceOf(Float32Array);
    expect([...unit]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(input).toEqual([3, 4]);
    expect([...unitVector([0, -2, 0])!]).toEqual([0, -1, 0]);
  });

  it("has no direction to give a zero, NaN or infinite vector", () => {
    expect(unitVector([0, 0, 0])).toBeUndefined();
    expect(unitVector([])).toBeUndefined();
    expect(unitVector([1, Number.NaN])).toBeUndefined();
    expect(unitVector([1, Number.POSITIVE_INFINITY])).toBeUndefined();
  });
});

describe("dotRow", () => {
  it("is the dot product of one row of a packed matrix with the query, for any dimension", () => {
    for (let dims = 1; dims <= 9; dims++) {
      const rows = 3;
      const matrix = Float32Array.from({ length: rows * dims }, (_, i) => ((i * 7) % 11) - 5);
      const query = Float32Array.from({ length: dims }, (_, j) => ((j * 3) % 5) - 2 + 0.5);
      for (let row = 0; row < rows; row++)
        expect(dotRow(matrix, row, query), `${dims}/${row}`).toBe(naiveDot(matrix, row, query));
    }
  });
});

describe("sparseQuery and dotRowSparse", () => {
  it("lists a query's non-zero coordinates when at most a quarter are non-zero", () => {
    expect(sparseQuery(new Float32Array([0, 0.5, 0, 0, 0, 0, -0.5, 0]))).toEqual({
      index: Int32Array.from([1, 6]),
      value: Float32Array.from([0.5, -0.5]),
    });
    expect(sparseQuery(new Float32Array([0, 0.5, 0, 0, 0, 0.1, -0.5, 0]))).toBeUndefined();
    expect(sparseQuery(new Float32Array([1, 0, 0, 0]))).toEqual({
      index: Int32Array.from([0]),
      value: Float32Array.from([1]),
    });
    expect(sparseQuery(new Float32Array([1, 1, 0, 0]))).toBeUndefined();
  });

  it("gives a sparse query the same row scores as the dense scan", () => {
    const dims = 8;
    const matrix = Float32Array.from({ length: 3 * dims }, (_, i) => ((i * 5) % 9) - 4);
    const query = new Float32Array([0, 2, 0, 0, 0, 0, -3, 0]);
    const sparse = sparseQuery(query)!;
    for (let row = 0; row < 3; row++)
      expect(dotRowSparse(matrix, row, dims, sparse)).toBe(dotRow(matrix, row, query));
  });
});
