import type { EmbeddingModel } from "@keel/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EvalInputError, WordNetError } from "../errors/index.js";
import { porterStem } from "../text/porter-stemmer.js";
import { pyLen, pySplit } from "../text/python-text.js";
import { sentenceBleu } from "./bleu.js";
import { bagOfWordsCosine, cosineSimilarity, embeddingCosine } from "./cosine.js";
import { lexicalGroundedness, splitClaims } from "./groundedness.js";
import { jsonValidity } from "./json-validity.js";
import { meteor } from "./meteor.js";
import { squadNormalize } from "./squad.js";
import { contains, containsAll, exactMatch, matchesRegex } from "./text-checks.js";
import { WordNetDatabase } from "./wordnet.js";

describe("Python text semantics", () => {
  it("splits on Python's whitespace and counts code points", () => {
    expect(pySplit(" a\u001cb\u0085c\ufeffd  ")).toEqual(["a", "b", "c\ufeffd"]);
    expect(pySplit("")).toEqual([]);
    expect(pyLen("a😀")).toBe(2);
    // Two identical emoji end in a "double consonant" for Python's Porter, as here.
    expect(porterStem("ab😀😀")).toBe("ab😀😀");
    expect(porterStem("Skies")).toBe("ski");
    expect(porterStem("skies")).toBe("sky");
  });
});

describe("cosine", () => {
  it("handles zero vectors, extreme magnitudes and length mismatches", () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0);
    expect(cosineSimilarity([1e200, 1e200], [1e200, 0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(cosineSimilarity([1e-200, 0], [3e-200, 0])).toBeCloseTo(1, 12);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(EvalInputError);
    expect(() => cosineSimilarity([Number.NaN], [1])).toThrow(/non-finite/);
    expect(bagOfWordsCosine("a b", "A b b")).toBeCloseTo(3 / Math.sqrt(2 * 5), 12);
    expect(bagOfWordsCosine("", "x")).toBe(0);
  });

  it("embeds both texts with any core EmbeddingModel", async () => {
    const model: EmbeddingModel = {
      provider: "local",
      id: "letters",
      maxBatchSize: 8,
      async embed(texts) {
        return { embeddings: texts.map((t) => [..."abc"].map((ch) => t.split(ch).length - 1)) };
      },
    };
    expect(await embeddingCosine(model, "aab", "ab")).toBeCloseTo(3 / Math.sqrt(10), 12);
  });
});

describe("text checks", () => {
  it("exact match is strict; contains and regex report 1 or 0", () => {
    expect(exactMatch("Paris", ["paris", "Paris"])).toBe(1);
    expect(exactMatch("Paris ", "Paris")).toBe(0);
    expect(contains("Hello World", "world", { ignoreCase: true })).toBe(1);
    expect(containsAll("a b c", ["a", "z"])).toBe(0.5);
    expect(matchesRegex("order #123", "#\\d+")).toBe(1);
    expect(matchesRegex("x", /y/g)).toBe(0);
    expect(() => matchesRegex("x", "(")).toThrow(EvalInputError);
    expect(squadNormalize("The  Théâtre, an ‘art’!")).toBe("théâtre ‘art’");
  });
});

describe("JSON validity", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
    required: ["name"],
  };
  it("checks JSON Schema and zod schemas and says what is wrong", () => {
    expect(jsonValidity('{"name":"Ada","age":36}', schema).score).toBe(1);
    const bad = jsonValidity('{"age":-1}', schema);
    expect(bad.score).toBe(0);
    expect(bad.errors.join(" ")).toMatch(/name/);
    expect(jsonValidity("not json", schema).errors[0]).toMatch(/^not JSON/);
    expect(jsonValidity('Here:\n```json\n{"name":"x"}\n```', schema, { extract: true }).score).toBe(1);
    const zod = z.object({ n: z.number() });
    expect(jsonValidity('{"n":1}', zod).score).toBe(1);
    expect(jsonValidity('{"n":"1"}', zod).errors[0]).toMatch(/^n: /);
  });
});

describe("lexical groundedness", () => {
  it("scores the share of claims whose content words the context contains", () => {
    const context = ["The Eiffel Tower is in Paris. It was completed in 1889."];
    const g = lexicalGroundedness("The Eiffel Tower is in Paris. It was built by aliens in 1950.", context);
    expect(g.claims.map((c) => c.supported)).toEqual([true, false]);
    expect(g.score).toBe(0.5);
    expect(lexicalGroundedness("", context).score).toBe(1);
    expect(splitClaims("One. Two!\nThree?")).toEqual(["One.", "Two!", "Three?"]);
  });
});

describe("input errors", () => {
  it("names what is wrong", () => {
    expect(() => sentenceBleu([], ["a"])).toThrow(/has no reference/);
    expect(() => sentenceBleu([["a"]], ["a"], { weights: [] })).toThrow(EvalInputError);
    expect(() => meteor([], ["a"], { wordnet: null })).toThrow(/at least one reference/);
    expect(() => meteor(["a b" as unknown as string[]], ["a"], { wordnet: null })).toThrow(/not a string/);
    expect(() => new WordNetDatabase({})).toThrow(WordNetError);
  });
});
