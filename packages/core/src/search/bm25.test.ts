import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { createAnalyzer } from "./analyzer.js";
import { Bm25Index } from "./bm25.js";

const plain = createAnalyzer({ stemmer: false, stopwords: false });

describe("Bm25Index", () => {
  it("scores with Lucene's BM25 formula", () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.75, analyzer: { stemmer: false, stopwords: false } });
    index.add("a", "apple banana apple");
    index.add("b", "banana cherry");
    index.add("c", "cherry date elderberry fig");
    const hits = index.search("apple", { k: 10 });
    // N=3, df=1, dl=3, avgdl=3: idf = ln(1 + 2.5/1.5), tf part = 2 / (2 + 1.2)
    const expected = Math.log(1 + 2.5 / 1.5) * (2 / (2 + 1.2));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.id).toBe("a");
    expect(hits[0]!.score).toBeCloseTo(expected, 12);
    const cherry = index.search("cherry", { k: 10 });
    // The shorter document wins on equal tf.
    expect(cherry.map((h) => h.id)).toEqual(["b", "c"]);
  });

  it("counts a repeated query term once per repetition, as Lucene's repeated clauses do", () => {
    const index = new Bm25Index({ analyzer: { stemmer: false, stopwords: false } });
    index.add("a", "apple pie");
    index.add("b", "pear tart");
    const once = index.search("apple", { k: 1 })[0]!.score;
    const twice = index.search("apple apple", { k: 1 })[0]!.score;
    expect(twice).toBeCloseTo(2 * once, 12);
  });

  it("applies the filter inside the ranking, so k matching documents come back", () => {
    const index = new Bm25Index();
    for (let i = 0; i < 50; i++)
      index.add(`d${i}`, `protein folding study ${"protein ".repeat(50 - i)}`, {
        year: 2000 + i,
        tenant: i % 2 ? "odd" : "even",
      });
    const hits = index.search("protein", { k: 5, filter: { tenant: "odd", year: { $gte: 2010 } } });
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.id)).toEqual(["d11", "d13", "d15", "d17", "d19"]);
    const viaPredicate = index.search("protein", { k: 5, filter: (id) => id.endsWith("7") });
    expect(viaPredicate.map((h) => h.id)).toEqual(["d7", "d17", "d27", "d37", "d47"]);
  });

  it("updates document frequencies on remove and replace", () => {
    const index = new Bm25Index({ analyzer: plain });
    index.add("a", "alpha beta");
    index.add("b", "alpha gamma");
    expect(index.idf("alpha")).toBeCloseTo(Math.log(1 + 0.5 / 2.5), 12);
    expect(index.remove("b")).toBe(true);
    expect(index.remove("b")).toBe(false);
    expect(index.size).toBe(1);
    expect(index.idf("alpha")).toBeCloseTo(Math.log(1 + 0.5 / 1.5), 12);
    expect(index.search("gamma", { k: 3 })).toEqual([]);
    index.add("a", "delta");
    expect(index.search("alpha", { k: 3 })).toEqual([]);
    expect(index.search("delta", { k: 3 }).map((h) => h.id)).toEqual(["a"]);
  });

  it("after any sequence of adds and removes ranks exactly like an index built from the survivors", () => {
    const words = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu"];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("add" as const),
        id: fc.integer({ min: 0, max: 12 }),
        text: fc.array(fc.constantFrom(...words), { maxLength: 8 }),
      }),
      fc.record({ kind: fc.constant("remove" as const), id: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }),
        (ops, query) => {
          const live = new Map<string, string>();
          const index = new Bm25Index({ analyzer: plain });
          for (const o of ops) {
            if (o.kind === "add") {
              index.add(`d${o.id}`, o.text.join(" "));
              live.delete(`d${o.id}`);
              live.set(`d${o.id}`, o.text.join(" "));
            } else {
              index.remove(`d${o.id}`);
              live.delete(`d${o.id}`);
            }
          }
          const fresh = new Bm25Index({ analyzer: plain });
          for (const [id, text] of live) fresh.add(id, text);
          const a = index.search(query.join(" "), { k: 20 });
          const b = fresh.search(query.join(" "), { k: 20 });
          expect(index.size).toBe(live.size);
          expect(a.map((h) => h.id).sort()).toEqual(b.map((h) => h.id).sort());
          for (const hit of a) expect(hit.score).toBeCloseTo(b.find((h) => h.id === hit.id)!.score, 9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("round-trips through JSON with the same results", () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.75 });
    index.add("x", "Heart disease and statins", { kind: "paper" });
    index.add("y", "Statin therapy lowers cholesterol", { kind: "trial" });
    index.add("z", "Unrelated text about birds");
    index.remove("z");
    const json = JSON.parse(JSON.stringify(index.toJSON()));
    const restored = Bm25Index.fromJSON(json);
    expect(restored.size).toBe(2);
    expect(restored.search("statins", { k: 5 })).toEqual(index.search("statins", { k: 5 }));
    expect(restored.metadataOf("y")).toEqual({ kind: "trial" });
    const custom = new Bm25Index({ analyzer: plain });
    custom.add("q", "words");
    expect(() => Bm25Index.fromJSON(custom.toJSON())).toThrow(/custom analyzer/);
    expect(Bm25Index.fromJSON(custom.toJSON(), { analyzer: plain }).search("words", { k: 1 })[0]!.id).toBe(
      "q",
    );
  });

  it("refuses bad input with typed errors naming what was wrong", () => {
    const index = new Bm25Index({ fields: ["tenant"] });
    expect(() => new Bm25Index({ k1: Number.NaN })).toThrow(InvalidRequestError);
    expect(() => new Bm25Index({ b: 2 })).toThrow(/b must be/);
    expect(() => index.add("", "text")).toThrow(/id/);
    expect(() => index.add("d", 42 as never)).toThrow(/"d"/);
    expect(() => index.add("d", "text", { color: "red" })).toThrow(/unknown metadata field "color"/);
    expect(() => index.add("d", "text", { tenant: { nested: 1 } as never })).toThrow(/"tenant"/);
    index.add("d", "text", { tenant: "t1" });
    expect(() => index.search("text", { k: 0 })).toThrow(/k must be/);
    expect(() => index.search("text", { k: 3, filter: { colour: "red" } })).toThrow(/unknown field "colour"/);
    expect(() => index.search("text", { k: 3, filter: { tenant: { $near: 1 } as never } })).toThrow(
      /unknown operator/,
    );
  });

  it("returns nothing for a query with no indexed terms", () => {
    const index = new Bm25Index();
    index.add("a", "some words");
    expect(index.search("the of and", { k: 3 })).toEqual([]);
    expect(index.search("", { k: 3 })).toEqual([]);
  });
});
