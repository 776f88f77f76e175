import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { Bm25Index, type Bm25Json } from "./bm25.js";
import { luceneLength } from "./lucene-length.js";

const words = { stemmer: false, stopwords: false } as const;

/** Three documents, the third removed again: "purple" is left with no live document. */
function churned() {
  const index = new Bm25Index({ analyzer: words });
  index.add("a", "red red blue", { tenant: "t1" });
  index.add("b", "blue green");
  index.add("c", "purple");
  index.remove("c");
  return index;
}

describe("Bm25Index options", () => {
  it("accepts k1 in [0, 1000] and b in [0, 1], and refuses values outside by name", () => {
    for (const options of [{ k1: 0 }, { k1: 1000 }, { b: 0 }, { b: 1 }]) {
      expect(() => new Bm25Index(options), JSON.stringify(options)).not.toThrow();
    }
    expect(() => new Bm25Index({ k1: -1 })).toThrow("Bm25Index: k1 must be a number in [0, 1000], got -1");
    expect(() => new Bm25Index({ k1: 1000.5 })).toThrow(/k1 must be a number in \[0, 1000\]/);
    expect(() => new Bm25Index({ b: -0.1 })).toThrow("Bm25Index: b must be a number in [0, 1], got -0.1");
    expect(() => new Bm25Index({ lengthPrecision: "approx" as never })).toThrow(
      'Bm25Index: lengthPrecision must be "lucene" or "exact", got approx',
    );
  });

  it("scores with the true document length under 'exact' and Lucene's one-byte length by default", () => {
    // 1 term and 45 terms: avgdl 23; Lucene stores 45 as a coarser length.
    const long = `apple ${"filler ".repeat(44)}`;
    const score = (lengthPrecision?: "lucene" | "exact") => {
      const index = new Bm25Index({ k1: 1.2, b: 0.75, analyzer: words, lengthPrecision });
      index.add("short", "pear");
      index.add("long", long);
      return index.search("apple", { k: 1 })[0]!.score;
    };
    const expected = (dl: number) => Math.log(2) * (1 / (1 + 1.2 * (1 - 0.75 + (0.75 * dl) / 23)));
    expect(luceneLength(45)).not.toBe(45);
    expect(score("exact")).toBeCloseTo(expected(45), 12);
    expect(score()).toBeCloseTo(expected(luceneLength(45)), 12);
  });

  it("analyzes with the analyzer options given, and keeps them in the JSON", () => {
    const keepsStopwords = new Bm25Index({ analyzer: { stopwords: false } });
    keepsStopwords.add("hamlet", "to be or not to be");
    expect(keepsStopwords.search("be", { k: 1 }).map((h) => h.id)).toEqual(["hamlet"]);
    const json = keepsStopwords.toJSON();
    expect(json.analyzer).toEqual({ stopwords: false });
    expect(
      Bm25Index.fromJSON(json)
        .search("be", { k: 1 })
        .map((h) => h.id),
    ).toEqual(["hamlet"]);

    const plain = new Bm25Index();
    plain.add("hamlet", "to be or not to be");
    expect(plain.search("be", { k: 1 })).toEqual([]);
  });
});

describe("Bm25Index documents", () => {
  it("knows which documents are live, in the order they were added", () => {
    const index = churned();
    expect(index.has("a")).toBe(true);
    expect(index.has("c")).toBe(false);
    expect(index.documentIds()).toEqual(["a", "b"]);
    index.add("a", "red again");
    expect(index.documentIds()).toEqual(["b", "a"]);
  });

  it("keeps a frozen copy of a document's metadata, and none for a document added without", () => {
    const index = new Bm25Index();
    const metadata = { tenant: "t1" };
    index.add("a", "text", metadata);
    index.add("b", "text");
    metadata.tenant = "t2";
    expect(index.metadataOf("a")).toEqual({ tenant: "t1" });
    expect(Object.isFrozen(index.metadataOf("a"))).toBe(true);
    expect(index.metadataOf("b")).toBeUndefined();
    expect(index.metadataOf("nobody")).toBeUndefined();
  });

  it("gives idf 0 to a term no live document has", () => {
    const index = churned();
    expect(index.idf("purple")).toBe(0);
    expect(index.idf("never-seen")).toBe(0);
    expect(index.idf("green")).toBeCloseTo(Math.log(1 + 1.5 / 1.5), 12);
  });

  it("refuses an id that is not a non-empty string", () => {
    expect(() => new Bm25Index().add(42 as never, "text")).toThrow(
      "Bm25Index.add: id must be a non-empty string",
    );
  });
});

describe("Bm25Index search", () => {
  it("ranks the earlier added document first on equal scores, whatever the query's term order", () => {
    const index = new Bm25Index({ analyzer: words });
    index.add("first", "x");
    index.add("second", "y");
    const [one, two] = index.search("y x", { k: 2 });
    expect(one!.score).toBe(two!.score);
    expect([one!.id, two!.id]).toEqual(["first", "second"]);
    expect(index.search("y x", { k: 1 }).map((h) => h.id)).toEqual(["first"]);
  });

  it("refuses a query that is not a string and missing or bad options, naming the method", () => {
    const index = churned();
    expect(() => index.search(42 as never, { k: 1 })).toThrow("Bm25Index.search: query must be a string");
    expect(() => index.search("red", undefined as never)).toThrow(InvalidRequestError);
    expect(() => index.search("red", { k: 0 })).toThrow(
      "Bm25Index.search: k must be a positive integer, got 0",
    );
  });
});

describe("Bm25Index JSON", () => {
  it("holds the live documents and only the terms they use, each term once", () => {
    expect(churned().toJSON()).toEqual({
      format: "keel.bm25",
      version: 1,
      k1: 0.9,
      b: 0.4,
      lengthPrecision: "lucene",
      analyzer: words,
      fields: null,
      terms: ["red", "blue", "green"],
      docs: [
        ["a", 3, [0, 2, 1, 1], { tenant: "t1" }],
        ["b", 2, [1, 1, 2, 1]],
      ],
    });
  });

  it("restores the length precision (lucene for a snapshot without one) and the allowed fields", () => {
    const exact = new Bm25Index({ lengthPrecision: "exact", fields: ["tenant"] });
    exact.add("a", "text", { tenant: "t1" });
    const json = exact.toJSON();
    expect(json.fields).toEqual(["tenant"]);
    const restored = Bm25Index.fromJSON(json);
    expect(restored.lengthPrecision).toBe("exact");
    expect(() => restored.add("b", "text", { color: "red" })).toThrow(/unknown metadata field "color"/);
    const { lengthPrecision: _, ...older } = json;
    expect(Bm25Index.fromJSON(older as Bm25Json).lengthPrecision).toBe("lucene");
  });

  it("refuses what is not a version 1 snapshot, and a document with a bad term entry", () => {
    const json = churned().toJSON();
    const notASnapshot = "Bm25Index.fromJSON: not a keel.bm25 version 1 snapshot";
    for (const bad of [null, { ...json, format: "other" }, { ...json, version: 2 }]) {
      expect(() => Bm25Index.fromJSON(bad as never), JSON.stringify(bad?.format)).toThrow(notASnapshot);
    }
    const withPairs = (pairs: number[]): Bm25Json => ({ ...json, docs: [["d", 1, pairs]] });
    for (const pairs of [
      [9, 1],
      [0, 0],
      [0, 1.5],
    ]) {
      expect(() => Bm25Index.fromJSON(withPairs(pairs)), String(pairs)).toThrow(
        'Bm25Index.fromJSON: document "d" has a bad term entry',
      );
    }
  });
});
