import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { VectorIndex } from "./vector-index.js";

describe("VectorIndex", () => {
  it("ranks by cosine, dot and euclidean, higher score is better", () => {
    const items: Array<[string, number[]]> = [
      ["x", [1, 0]],
      ["y", [0, 3]],
      ["z", [2, 2]],
    ];
    const cosine = new VectorIndex({ dimensions: 2, metric: "cosine" });
    const dot = new VectorIndex({ dimensions: 2, metric: "dot" });
    const l2 = new VectorIndex({ dimensions: 2, metric: "euclidean" });
    for (const [id, v] of items) for (const index of [cosine, dot, l2]) index.add(id, v);
    const c = cosine.search([1, 0.1], { k: 3 });
    expect(c.map((h) => h.id)).toEqual(["x", "z", "y"]);
    expect(c[0]!.score).toBeCloseTo(1 / Math.sqrt(1.01), 6);
    expect(dot.search([0, 1], { k: 3 }).map((h) => [h.id, h.score])).toEqual([
      ["y", 3],
      ["z", 2],
      ["x", 0],
    ]);
    const e = l2.search([2, 1.5], { k: 1 });
    expect(e[0]!.id).toBe("z");
    expect(e[0]!.score).toBeCloseTo(-0.5, 6);
  });

  it("filters inside the scan, replaces on re-add and keeps ids right after removal", () => {
    const index = new VectorIndex({ dimensions: 3 });
    for (let i = 0; i < 20; i++) index.add(`v${i}`, [1, i / 20, 0], { tenant: i < 10 ? "a" : "b" });
    const b = index.search([1, 0, 0], { k: 3, filter: { tenant: "b" } });
    expect(b.map((h) => h.id)).toEqual(["v10", "v11", "v12"]);
    expect(index.remove("v10")).toBe(true);
    expect(index.remove("v10")).toBe(false);
    expect(index.size).toBe(19);
    expect(index.search([1, 0, 0], { k: 2, filter: { tenant: "b" } }).map((h) => h.id)).toEqual([
      "v11",
      "v12",
    ]);
    index.add("v11", [0, 0, 1], { tenant: "b" });
    expect(index.size).toBe(19);
    expect(index.search([0, 0, 1], { k: 1 })[0]!.id).toBe("v11");
    expect(index.metadataOf("v19")).toEqual({ tenant: "b" });
  });

  it("round-trips through JSON", () => {
    const index = new VectorIndex({ dimensions: 2, metric: "dot" });
    index.add("a", [1, 2], { k: "v" });
    index.add("b", [3, 4]);
    const restored = VectorIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
    expect(restored.search([1, 1], { k: 2 })).toEqual(index.search([1, 1], { k: 2 }));
    expect(restored.metadataOf("a")).toEqual({ k: "v" });
  });

  it("refuses wrong dimensions, NaN, infinities and zero cosine vectors, naming the item", () => {
    const index = new VectorIndex({ dimensions: 3 });
    expect(() => index.add("a", [1, 2])).toThrow(/"a": vector has 2 dimensions, expected 3/);
    expect(() => index.add("b", [1, Number.NaN, 0])).toThrow(/"b": vector\[1\] is NaN/);
    expect(() => index.add("c", [1, 0, Number.POSITIVE_INFINITY])).toThrow(/vector\[2\] is Infinity/);
    expect(() => index.add("d", [0, 0, 0])).toThrow(InvalidRequestError);
    expect(() => index.search([1, 2], { k: 1 })).toThrow(/query: vector has 2 dimensions/);
    expect(() => new VectorIndex({ dimensions: 0 })).toThrow(/dimensions/);
    expect(() => new VectorIndex({ dimensions: 2, metric: "manhattan" as never })).toThrow(/metric/);
    expect(index.size).toBe(0);
  });
});
