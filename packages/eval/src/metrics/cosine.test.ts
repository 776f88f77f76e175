import type { EmbeddingModel } from "@keel/core";
import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { bagOfWordsCosine, cosineSimilarity, embeddingCosine } from "./cosine.js";

// Definitions: /work/shared/notes/eval-metrics.md §5 (cos = a·b / (‖a‖‖b‖); a zero vector gives 0,
// as scikit-learn's cosine_similarity; bag of words = counts of lowercased str.split() tokens).

describe("cosineSimilarity", () => {
  it("is the cosine of the angle, sign included (values by hand)", () => {
    // (1,2)·(3,4) = 11, ‖(1,2)‖ = √5, ‖(3,4)‖ = 5.
    expect(cosineSimilarity([1, 2], [3, 4])).toBeCloseTo(11 / (5 * Math.sqrt(5)), 14);
    // Negative components count by magnitude when scaling: same direction is 1, opposite is −1.
    expect(cosineSimilarity([-3, 0], [-1, 0])).toBeCloseTo(1, 14);
    expect(cosineSimilarity([0, -2], [0, 5])).toBeCloseTo(-1, 14);
    // (−1,2)·(2,−1) = −4, ‖·‖ = √5 each.
    expect(cosineSimilarity([-1, 2], [2, -1])).toBeCloseTo(-4 / 5, 14);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    // Typed arrays are vectors too.
    expect(cosineSimilarity(new Float32Array([1, 1]), new Float32Array([1, 0]))).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("gives 0 when either vector is zero, and for two empty vectors", () => {
    expect(cosineSimilarity([1, 2], [0, 0])).toBe(0);
    expect(cosineSimilarity([0, 0], [0, 0])).toBe(0);
    expect(cosineSimilarity([], [])).toBe(0);
  });

  it("refuses non-finite values on either side and says where", () => {
    expect(() => cosineSimilarity([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(
      /non-finite value at index 1/,
    );
    expect(() => cosineSimilarity([Number.NEGATIVE_INFINITY], [1])).toThrow(EvalInputError);
    expect(() => cosineSimilarity([1, 2], [1])).toThrow(/equal length, got 2 and 1/);
  });
});

describe("bagOfWordsCosine", () => {
  it("counts lowercased whitespace tokens of both texts over their joint vocabulary", () => {
    // a: {the: 2, cat: 1}; b: {the: 1, dog: 1} → dot 2, ‖a‖ = √5, ‖b‖ = √2.
    expect(bagOfWordsCosine("The cat the", "the dog")).toBeCloseTo(2 / Math.sqrt(10), 14);
    // Words only in b still count towards ‖b‖: a: {x: 1}; b: {x: 1, y: 3} → 1 / √10.
    expect(bagOfWordsCosine("x", "x y Y y")).toBeCloseTo(1 / Math.sqrt(10), 14);
    // Punctuation is part of a token (str.split), so "cat." is not "cat".
    expect(bagOfWordsCosine("cat.", "cat")).toBe(0);
    expect(bagOfWordsCosine("x", "")).toBe(0);
    expect(bagOfWordsCosine("same words", "SAME  words")).toBeCloseTo(1, 14);
  });
});

describe("embeddingCosine", () => {
  const axes: Record<string, number[]> = { a: [1, 0], b: [1, 1] };
  const model = (vectors: (texts: string[]) => number[][], seen: unknown[] = []): EmbeddingModel => ({
    provider: "local",
    id: "axes",
    maxBatchSize: 8,
    async embed(texts, options) {
      seen.push({ texts, options });
      return { embeddings: vectors(texts) };
    },
  });

  it("embeds both texts in one call, with the caller's options, and compares them", async () => {
    const seen: unknown[] = [];
    const controller = new AbortController();
    const m = model((texts) => texts.map((t) => axes[t]!), seen);
    expect(await embeddingCosine(m, "a", "b", { signal: controller.signal })).toBeCloseTo(Math.SQRT1_2, 14);
    expect(seen).toEqual([{ texts: ["a", "b"], options: { signal: controller.signal } }]);
  });

  it("refuses a model that does not return one vector per text", async () => {
    const m = model(() => [[1, 0]]);
    await expect(embeddingCosine(m, "a", "b")).rejects.toThrow(/local\/axes returned 1 vectors for 2 texts/);
  });
});
