import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { cosineSimilarity } from "../search/vector-math.js";
import { isStopword, lexicalEmbedder, lexicalWords, stem } from "./lexical-embedder.js";

const cosine = cosineSimilarity;

describe("lexicalWords", () => {
  it("lower-cases, normalizes and splits on anything but letters and digits", () => {
    expect(lexicalWords("Hello, WORLD: 42 ﬁsh-café!")).toEqual(["hello", "world", "42", "fish", "café"]);
    expect(lexicalWords("  ...  ")).toEqual([]);
  });

  it("spells contractions out, with straight or curly apostrophes", () => {
    expect(lexicalWords("I don't know")).toEqual(["i", "do", "not", "know"]);
    expect(lexicalWords("It isn’t")).toEqual(["it", "is", "not"]);
    expect(lexicalWords("What's up? Where’s it")).toEqual(["what", "is", "up", "where", "is", "it"]);
    expect(lexicalWords("John's car")).toEqual(["john", "car"]);
    expect(lexicalWords("they're here")).toEqual(["they", "are", "here"]);
    expect(lexicalWords("we'll go")).toEqual(["we", "will", "go"]);
    expect(lexicalWords("I've been")).toEqual(["i", "have", "been"]);
    expect(lexicalWords("I'm in")).toEqual(["i", "am", "in"]);
    expect(lexicalWords("she'd say")).toEqual(["she", "would", "say"]);
    // Without an apostrophe, nothing is expanded.
    expect(lexicalWords("dent vent fires care bell save sum bad")).toEqual([
      "dent",
      "vent",
      "fires",
      "care",
      "bell",
      "save",
      "sum",
      "bad",
    ]);
  });
});

describe("stem and isStopword", () => {
  it("strips plural, -ing and -ed endings from words longer than four letters", () => {
    expect(stem("branches")).toBe("branch");
    expect(stem("ponies")).toBe("pony");
    expect(stem("sundays")).toBe("sunday");
    expect(stem("walking")).toBe("walk");
    expect(stem("jumped")).toBe("jump");
    expect(stem("lines")).toBe("lin");
    expect(stem("cats")).toBe("cats");
    expect(stem("bus")).toBe("bus");
    // Only endings count: letters inside a word stay.
    expect(stem("diesel")).toBe("diesel");
    expect(stem("singer")).toBe("singer");
    expect(stem("stingy")).toBe("stingy");
  });

  it("knows the little words that carry no meaning", () => {
    for (const word of ["the", "a", "is", "how", "please", "tell"]) expect(isStopword(word)).toBe(true);
    for (const word of ["paris", "password", "not"]) expect(isStopword(word)).toBe(false);
  });
});

describe("lexicalEmbedder", () => {
  it("describes itself, with 512 dimensions by default", () => {
    const embedder = lexicalEmbedder();
    expect(embedder).toMatchObject({
      provider: "keel",
      id: "lexical-v2-512",
      dimensions: 512,
      maxBatchSize: 2048,
    });
    expect(lexicalEmbedder({ dimensions: 16 })).toMatchObject({ id: "lexical-v2-16", dimensions: 16 });
  });

  it("refuses fewer than 16 dimensions, or a fraction", () => {
    for (const dimensions of [15, 16.5, Number.NaN])
      expect(() => lexicalEmbedder({ dimensions })).toThrow(
        new InvalidRequestError(`lexicalEmbedder: dimensions must be an integer >= 16, got ${dimensions}`),
      );
  });

  it("gives the same vectors in every release, so entries a persistent store holds stay comparable", async () => {
    const { embeddings } = await lexicalEmbedder({ dimensions: 16 }).embed(["Paris to London", "the cats"]);
    const expected = [
      [0.9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1.2, 0, 0, -0.1, 0, 0],
      [0, -1, 0, 0, 0, 0, 0, -0.1, 0, -0.2, 0, 0, 0, 0, 0, 0],
    ];
    for (const [i, vector] of embeddings.entries())
      for (const [j, x] of vector.entries())
        expect(x, `text ${i}, coordinate ${j}`).toBeCloseTo(expected[i]![j]!, 9);
  });

  it("scores paraphrases close, word order and other words lower, and ignores case and plurals", async () => {
    const embedder = lexicalEmbedder();
    const [paris, reversed, cased, other, one, pair] = (
      await embedder.embed([
        "Paris to London train times",
        "London to Paris train times",
        "PARIS TO LONDON TRAINS TIMES",
        "Berlin to Rome bus fares",
        "password",
        "reset password",
      ])
    ).embeddings as number[][];
    expect(cosine(paris!, cased!)).toBeCloseTo(1, 9);
    expect(cosine(paris!, reversed!)).toBeLessThan(0.9);
    expect(cosine(paris!, reversed!)).toBeGreaterThan(0.3);
    expect(cosine(paris!, other!)).toBeLessThan(0.3);
    // A one-word text has exactly one feature; a second word adds a bigram of both.
    expect(one!.filter((x) => x !== 0)).toHaveLength(1);
    expect(pair!.filter((x) => x !== 0).length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...paris!)).toBeLessThan(0);
  });
});
