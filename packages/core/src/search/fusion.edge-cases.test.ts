import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { normalizeScores, reciprocalRankFusion, weightedFusion } from "./fusion.js";

describe("fusion ranks lists by score, whatever their order", () => {
  it("ranks an unsorted list by its scores before fusing", () => {
    const unsorted = [
      { id: "low", score: 1 },
      { id: "high", score: 9 },
      { id: "mid", score: 5 },
    ];
    const fused = reciprocalRankFusion([unsorted]);
    expect(fused.map((h) => [h.id, h.contributions[0]?.rank])).toEqual([
      ["high", 1],
      ["mid", 2],
      ["low", 3],
    ]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61, 12);
  });

  it("orders equal fused scores by id, and cuts at the limit", () => {
    const fused = reciprocalRankFusion([
      [{ id: "b", score: 1 }],
      [{ id: "a", score: 1 }],
      [{ id: "c", score: 1 }],
    ]);
    expect(fused.map((h) => h.id)).toEqual(["a", "b", "c"]);
    expect(
      reciprocalRankFusion([[{ id: "b", score: 1 }], [{ id: "a", score: 1 }]], { limit: 1 }),
    ).toHaveLength(1);
    expect(weightedFusion([[{ id: "z", score: 2 }], [{ id: "y", score: 2 }]]).map((h) => h.id)).toEqual([
      "y",
      "z",
    ]);
  });

  it("accepts k = 0 and weights of zero", () => {
    const fused = reciprocalRankFusion(
      [
        [
          { id: "a", score: 2 },
          { id: "b", score: 1 },
        ],
      ],
      { k: 0 },
    );
    expect(fused.map((h) => h.score)).toEqual([1, 0.5]);
    expect(weightedFusion([[{ id: "a", score: 1 }]], { weights: [0] })[0]?.score).toBe(0);
  });
});

describe("fusion refuses bad options and input with a typed, explained error", () => {
  const list = [{ id: "a", score: 1 }];

  it("refuses a negative or non-finite k", () => {
    for (const k of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => reciprocalRankFusion([list], { k }), String(k)).toThrow(
        `reciprocalRankFusion: k must be a finite number >= 0, got ${String(k)}`,
      );
    }
  });

  it("refuses weights that are negative, not finite, not an array, or not one per list", () => {
    expect(() => weightedFusion([list], { weights: [-0.5] })).toThrow(
      "weightedFusion: weights must be finite numbers >= 0, got -0.5",
    );
    expect(() => weightedFusion([list], { weights: [Number.NaN] })).toThrow(InvalidRequestError);
    expect(() => weightedFusion([list], { weights: null as never })).toThrow(InvalidRequestError);
    expect(() => weightedFusion([list, list], { weights: [1] })).toThrow(
      "weightedFusion: weights must have one number per list (2), got 1",
    );
  });

  it("refuses lists that are not arrays and hits without a string id", () => {
    expect(() => reciprocalRankFusion("nope" as never)).toThrow(
      "reciprocalRankFusion: lists must be an array",
    );
    expect(() => weightedFusion([list, "nope" as never])).toThrow("weightedFusion: list 1 is not an array");
    expect(() => weightedFusion([[{ id: 7, score: 1 } as never]])).toThrow(
      "weightedFusion: list 0 has a hit without a string id",
    );
    expect(() => weightedFusion([[null as never]])).toThrow(InvalidRequestError);
  });

  it("refuses an unknown normalization", () => {
    expect(() => normalizeScores(list, "softmax" as never)).toThrow(
      'normalizeScores: normalization must be "min-max" or "z-score", got softmax',
    );
  });
});

describe("score normalization of degenerate lists", () => {
  it("gives every hit 1 under min-max and 0 under z-score when all scores are equal", () => {
    const flat = [
      { id: "a", score: 3 },
      { id: "b", score: 3 },
    ];
    expect(normalizeScores(flat, "min-max").map((h) => h.score)).toEqual([1, 1]);
    expect(normalizeScores(flat, "z-score").map((h) => h.score)).toEqual([0, 0]);
    expect(normalizeScores([], "min-max")).toEqual([]);
  });

  it("gives an item missing from a z-scored list that list's lowest score, not zero", () => {
    const first = [
      { id: "a", score: 3 },
      { id: "b", score: 1 },
    ];
    const second = [{ id: "c", score: 5 }];
    const fused = weightedFusion([first, second], { normalization: "z-score" });
    const score = (id: string) => fused.find((h) => h.id === id)!.score;
    // first: a = +1, b = -1 (c missing: -1); second: c = 0 (a, b missing: 0).
    expect(score("a")).toBeCloseTo(1, 12);
    expect(score("b")).toBeCloseTo(-1, 12);
    expect(score("c")).toBeCloseTo(-1, 12);
  });

  it("scores an item missing from an empty list as zero there", () => {
    const fused = weightedFusion([[{ id: "a", score: 2 }], []]);
    expect(fused).toEqual([{ id: "a", score: 1, contributions: [{ rank: 1, score: 2 }, null] }]);
  });
});
