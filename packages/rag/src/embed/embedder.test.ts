import { type EmbeddingModel, events, type KeelEvent, RateLimitedError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { defaultEmbedder } from "./default-embedder.js";
import { createEmbedder } from "./embedder.js";
import { memoryEmbeddingCache } from "./embedding-cache.js";

/** A counting wrapper around the real lexical embedder, failing on request. */
function countingModel(failures: unknown[] = [], maxBatchSize = 3) {
  const inner = defaultEmbedder({ dimensions: 64 });
  const batches: string[][] = [];
  const model: EmbeddingModel = {
    provider: "test",
    id: "counting",
    dimensions: 64,
    maxBatchSize,
    async embed(texts, options) {
      const failure = failures.shift();
      if (failure) throw failure;
      batches.push([...texts]);
      return inner.embed(texts, options);
    },
  };
  return { model, batches };
}

describe("createEmbedder", () => {
  it("batches to the model's limit and returns Float32Arrays in input order", async () => {
    const { model, batches } = countingModel();
    const embedder = createEmbedder(model);
    const texts = ["a b", "c d", "e f", "g h", "i j"];
    const vectors = await embedder.embed(texts);
    expect(batches.map((b) => b.length)).toEqual([3, 2]);
    expect(vectors).toHaveLength(5);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
    const direct = (await defaultEmbedder({ dimensions: 64 }).embed(["g h"])).embeddings[0]!;
    expect(Array.from(vectors[3]!)).toEqual(Array.from(Float32Array.from(direct)));
  });

  it("serves repeated texts from the cache keyed by content and model", async () => {
    const { model, batches } = countingModel();
    const cache = memoryEmbeddingCache();
    const embedder = createEmbedder(model, { cache });
    await embedder.embed(["one", "two"]);
    await embedder.embed(["two", "three", "one"]);
    expect(batches).toEqual([["one", "two"], ["three"]]);
    expect(cache.size).toBe(3);
  });

  it("retries a rate-limited batch through core's retry middleware", async () => {
    const { model, batches } = countingModel([new RateLimitedError("slow down", { retryAfterMs: 5 })]);
    const seen: KeelEvent[] = [];
    const off = events.on((e) => seen.push(e));
    try {
      const vectors = await createEmbedder(model, { retry: { baseDelayMs: 1 } }).embed(["x"]);
      expect(vectors).toHaveLength(1);
    } finally {
      off();
    }
    expect(batches).toHaveLength(1);
    expect(seen.some((e) => e.type === "retry.scheduled")).toBe(true);
  });

  it("refuses a provider answer with the wrong count, dimensions or NaN", async () => {
    const bad = (embeddings: number[][]): EmbeddingModel => ({
      provider: "bad",
      id: "m",
      maxBatchSize: 8,
      dimensions: 2,
      embed: async () => ({ embeddings }),
    });
    await expect(createEmbedder(bad([[1, 2]]), { retry: false }).embed(["a", "b"])).rejects.toThrow(
      /asked for 2 embeddings, got 1/,
    );
    await expect(createEmbedder(bad([[1, 2, 3]]), { retry: false }).embed(["a"])).rejects.toThrow(
      /3 dimensions, expected 2/,
    );
    await expect(createEmbedder(bad([[1, Number.NaN]]), { retry: false }).embed(["a"])).rejects.toThrow(
      /non-finite/,
    );
  });
});
