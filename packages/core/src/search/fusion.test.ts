import { describe, expect, it } from "vitest";
import { normalizeScores, reciprocalRankFusion, weightedFusion } from "./fusion.js";
import { mmr } from "./mmr.js";

const bm25 = [
  { id: "a", score: 12 },
  { id: "b", score: 9 },
  { id: "c", score: 3 },
];
const dense = [
  { id: "c", score: 0.9 },
  { id: "d", score: 0.8 },
  { id: "a", score: 0.5 },
];

describe("reciprocalRankFusion", () => {
  it("sums weight / (k + rank) and reports each list's rank and score", () => {
    const fused = reciprocalRankFusion([bm25, dense], { k: 60 });
    const a = fused.find((h) => h.id === "a")!;
    expect(a.score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(a.contributions).toEqual([
      { rank: 1, score: 12 },
      { rank: 3, score: 0.5 },
    ]);
    expect(fused.find((h) => h.id === "d")!.contributions[0]).toBeNull();
    expect(fused.map((h) => h.id)).toEqual(["a", "c", "b", "d"]);
    const weighted = reciprocalRankFusion([bm25, dense], { weights: [0, 1], limit: 2 });
    expect(weighted.map((h) => h.id)).toEqual(["c", "d"]);
  });

  it("refuses malformed input", () => {
    expect(() => reciprocalRankFusion([bm25], { weights: [1, 1] })).toThrow(
      "reciprocalRankFusion: weights must have one number per list (1), got 2",
    );
    expect(() => reciprocalRankFusion([[{ id: "x", score: Number.NaN }]])).toThrow(
      /"x" has a non-finite score/,
    );
    expect(() =>
      reciprocalRankFusion([
        [
          { id: "x", score: 1 },
          { id: "x", score: 2 },
        ],
      ]),
    ).toThrow(/twice/);
  });
});

describe("weightedFusion", () => {
  it("min-max normalizes each list before weighting; a missing item gets the list's floor", () => {
    const fused = weightedFusion([bm25, dense], { weights: [0.5, 0.5] });
    const score = (id: string) => fused.find((h) => h.id === id)!.score;
    // bm25: a=1, b=6/9, c=0; dense: c=1, d=0.75, a=0; missing -> 0
    expect(score("a")).toBeCloseTo(0.5, 12);
    expect(score("b")).toBeCloseTo(0.5 * (6 / 9), 12);
    expect(score("c")).toBeCloseTo(0.5, 12);
    expect(score("d")).toBeCloseTo(0.375, 12);
  });

  it("z-score normalization puts lists on mean 0, sd 1", () => {
    const z = normalizeScores(bm25, "z-score");
    const mean = z.reduce((s, h) => s + h.score, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, h) => s + h.score ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 12);
    const fused = weightedFusion([bm25, dense], { normalization: "z-score" });
    expect(fused).toHaveLength(4);
    expect(() => weightedFusion([bm25], { normalization: "raw" as never })).toThrow(/normalization/);
  });

  it("does not let raw BM25 scale swamp cosine", () => {
    const fused = weightedFusion([
      [
        { id: "x", score: 30 },
        { id: "y", score: 29 },
        { id: "z", score: 0 },
      ],
      [
        { id: "y", score: 0.9 },
        { id: "x", score: 0.1 },
      ],
    ]);
    expect(fused[0]!.id).toBe("y");
  });
});

describe("mmr", () => {
  it("demotes a near-duplicate of an item already picked", () => {
    const picks = mmr(
      [
        { id: "a", score: 1, vector: [1, 0, 0] },
        { id: "a-copy", score: 0.95, vector: [0.99, 0.01, 0] },
        { id: "b", score: 0.8, vector: [0, 1, 0] },
      ],
      { k: 2, lambda: 0.5 },
    );
    expect(picks.map((p) => p.id)).toEqual(["a", "b"]);
    const plain = mmr(
      [
        { id: "a", score: 1, vector: [1, 0] },
        { id: "b", score: 0.5, vector: [1, 0] },
      ],
      { k: 2, lambda: 1 },
    );
    expect(plain.map((p) => p.id)).toEqual(["a", "b"]);
    expect(() =>
      mmr(
        [
          { id: "a", score: 1, vector: [1] },
          { id: "b", score: 1, vector: [1, 2] },
        ],
        { k: 1 },
      ),
    ).toThrow(/"b"/);
  });
});
