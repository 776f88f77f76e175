import { InvalidRequestError } from "@keel/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DocumentError } from "../errors.js";
import type { ChunkRecord } from "../types.js";
import { MemoryStore } from "./memory-store.js";

function record(id: string, documentId: string, text: string, vector: number[], metadata = {}): ChunkRecord {
  return {
    id,
    documentId,
    text,
    start: 0,
    end: text.length,
    headingPath: [],
    index: 0,
    metadata,
    vector: Float32Array.from(vector),
    documentHash: `h-${documentId}`,
  };
}

describe("MemoryStore", () => {
  it("searches by vector and by BM25 within one tenant, with filters", async () => {
    const store = new MemoryStore({ dimensions: 2 });
    await store.upsert("t1", [
      record("c1", "d1", "statins lower cholesterol", [1, 0], { year: 2019 }),
      record("c2", "d1", "exercise helps the heart", [0.9, 0.1], { year: 2021 }),
      record("c3", "d2", "cholesterol and diet", [0, 1], { year: 2021 }),
    ]);
    await store.upsert("t2", [record("x1", "d9", "cholesterol everywhere", [1, 0])]);
    expect(
      (await store.searchVector(Float32Array.from([1, 0]), { tenant: "t1", k: 2 })).map((h) => h.chunk.id),
    ).toEqual(["c1", "c2"]);
    expect(
      (await store.searchText!("cholesterol", { tenant: "t1", k: 5 })).map((h) => h.chunk.id).sort(),
    ).toEqual(["c1", "c3"]);
    const filtered = await store.searchVector(Float32Array.from([1, 0]), {
      tenant: "t1",
      k: 2,
      filter: { year: 2021 },
    });
    expect(filtered.map((h) => h.chunk.id)).toEqual(["c2", "c3"]);
    expect(
      (await store.searchText!("cholesterol", { tenant: "t1", k: 5, filter: { documentId: "d2" } })).map(
        (h) => h.chunk.id,
      ),
    ).toEqual(["c3"]);
    expect(await store.count("t1")).toBe(3);
    expect(await store.documentHashes("t1", ["d1", "d9"])).toEqual(new Map([["d1", "h-d1"]]));
    expect(await store.deleteDocuments("t1", ["d1"])).toBe(2);
    expect(await store.count("t1")).toBe(1);
    expect(await store.searchText!("statins", { tenant: "t1", k: 5 })).toEqual([]);
    expect(await store.count("t2")).toBe(1);
  });

  it("refuses a whole batch when one record is bad, naming the document", async () => {
    const store = new MemoryStore({ dimensions: 2 });
    await expect(
      store.upsert("t", [record("a", "good", "x", [1, 0]), record("b", "bad", "y", [1])]),
    ).rejects.toThrow(/document "bad": chunk "b": vector has 1 dimensions, expected 2/);
    await expect(store.upsert("t", [record("c", "nan", "y", [1, Number.NaN])])).rejects.toThrow(
      DocumentError,
    );
    expect(await store.count("t")).toBe(0);
    await expect(store.searchText!("x", { tenant: "t", k: 1, filter: { colour: "red" } })).rejects.toThrow(
      /unknown field "colour"/,
    );
    await expect(store.searchText!("x", { tenant: "", k: 1 })).rejects.toThrow(InvalidRequestError);
  });

  it("round-trips a snapshot", async () => {
    const store = new MemoryStore({ dimensions: 2, vectorIndex: "hnsw" });
    await store.upsert("t", [
      record("a", "d", "alpha beta", [1, 0], { n: 1 }),
      record("b", "d", "gamma", [0, 1]),
    ]);
    const restored = await MemoryStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())));
    expect(await restored.searchText!("alpha", { tenant: "t", k: 2 })).toEqual(
      await store.searchText!("alpha", { tenant: "t", k: 2 }),
    );
    expect(await restored.list("t")).toEqual(await store.list("t"));
  });

  it("never returns or lists another tenant's chunk (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            tenant: fc.constantFrom("a", "b", "c"),
            doc: fc.integer({ min: 0, max: 5 }),
            word: fc.constantFrom("red", "green", "blue"),
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.constantFrom("a", "b", "c"),
        async (rows, asker) => {
          const store = new MemoryStore({ dimensions: 2 });
          for (const [i, r] of rows.entries())
            await store.upsert(r.tenant, [record(`${r.tenant}-${i}`, `d${r.doc}`, r.word, [1, i + 1])]);
          const hits = [
            ...(await store.searchText!("red green blue", { tenant: asker, k: 50 })),
            ...(await store.searchVector(Float32Array.from([1, 1]), { tenant: asker, k: 50 })),
          ];
          for (const h of hits) expect(h.chunk.id.startsWith(`${asker}-`)).toBe(true);
          for (const c of await store.list(asker)) expect(c.id.startsWith(`${asker}-`)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
