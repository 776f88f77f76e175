import type { EmbeddingModel } from "@keel/core";
import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { jsonSchemaScorer, referenceScorer, regexScorer, similarityScorer } from "./scorers.js";
import type { EvalCase } from "./types.js";

const input = (c: EvalCase, output: string) => ({ case: c, output, task: { output } });

describe("scorers", () => {
  it("reference scorers report 0–1 scores with details, and need what they need", async () => {
    const c: EvalCase = { id: "c", input: "q", expected: ["the cat sat on the mat", "a cat on a mat"] };
    const r = await referenceScorer("rougeL", { stem: true }).score(input(c, "the cats sat on the mat"));
    expect(r.score).toBe(1);
    expect(r.details).toEqual({ p: 1, r: 1, f: 1 });
    expect((await referenceScorer("sacrebleu").score(input(c, "the cat sat on the mat"))).score).toBeCloseTo(
      1,
      12,
    );
    expect(referenceScorer("rougeL", { stem: true }).name).toBe("rougeL_stem");
    expect(() => referenceScorer("meteor")).toThrow(/needs \{ wordnet \}/);
    expect(() => referenceScorer("squad_f1").score(input({ id: "x", input: "q" }, "a"))).toThrow(
      EvalInputError,
    );
  });

  it("regex and JSON-schema scorers explain failures", async () => {
    const c: EvalCase = { id: "c", input: "q" };
    expect((await regexScorer(/^\d{4}$/).score(input(c, "2026"))).score).toBe(1);
    const j = await jsonSchemaScorer({ type: "object", required: ["a"] }).score(input(c, "{}"));
    expect(j.score).toBe(0);
    expect(j.explanation).toMatch(/a/);
  });

  it("similarity uses an embedding model when given, else bag-of-words counts", async () => {
    const model: EmbeddingModel = {
      provider: "local",
      id: "letters",
      maxBatchSize: 8,
      async embed(texts) {
        return { embeddings: texts.map((t) => [..."abc"].map((ch) => t.split(ch).length - 1)) };
      },
    };
    const c: EvalCase = { id: "s", input: "q", expected: ["ab", "ccc"] };
    expect((await similarityScorer({ model }).score(input(c, "aab"))).score).toBeCloseTo(
      3 / Math.sqrt(10),
      12,
    );
    expect((await similarityScorer().score(input(c, "ccc"))).score).toBe(1);
  });
});
