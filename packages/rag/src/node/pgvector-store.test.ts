import { InvalidRequestError } from "@keel/core";
import { VectorIndex } from "@keel/core/search";
import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_URL, postgresSchema } from "../__fixtures__/services.js";
import { contentHash } from "../content-hash.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { createEmbedder } from "../embed/embedder.js";
import { StoreUnavailableError } from "../errors.js";
import { createRetriever } from "../retrieve/retriever.js";
import type { ChunkRecord } from "../types.js";
import { PgVectorStore } from "./pgvector-store.js";

const embedder = createEmbedder(defaultEmbedder({ dimensions: 64 }));
const topics = ["heart", "brain", "diet", "sleep"];

async function records(n: number, prefix = "c"): Promise<ChunkRecord[]> {
  const texts = Array.from(
    { length: n },
    (_, i) => `${topics[i % 4]} study ${i} about cholesterol level ${i % 7} and outcome ${i % 11}`,
  );
  const vectors = await embedder.embed(texts);
  return texts.map((text, i) => ({
    id: `${prefix}${i}`,
    documentId: `doc${Math.floor(i / 3)}`,
    text,
    start: 0,
    end: text.length,
    headingPath: ["Results"],
    index: i % 3,
    metadata: { topic: topics[i % 4]!, year: 2000 + (i % 20), tags: i % 2 ? ["odd"] : ["even", "x"] },
    vector: vectors[i]!,
    documentHash: contentHash(`doc${Math.floor(i / 3)}`),
  }));
}

let pool: pg.Pool;
let schema: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ pool, schema, drop } = await postgresSchema());
});
afterAll(async () => {
  await drop();
});

describe("PgVectorStore on PostgreSQL with pgvector", () => {
  it("finds the same nearest chunks as exact search, through the HNSW index, and filters inside the query", async () => {
    const store = new PgVectorStore({
      pool,
      schema,
      table: "chunks_hnsw",
      dimensions: 64,
      metadataFields: ["topic", "year", "tags"],
    });
    const data = await records(300);
    await store.upsert("t1", data);
    const exact = new VectorIndex({ dimensions: 64 });
    for (const r of data) exact.add(r.id, r.vector, r.metadata);
    const query = (await embedder.embed(["brain study about cholesterol level 3"]))[0]!;
    const got = await store.searchVector(query, { tenant: "t1", k: 10 });
    const want = exact.search(query, { k: 10 });
    const overlap = got.filter((h) => want.some((w) => w.id === h.chunk.id)).length;
    expect(overlap).toBeGreaterThanOrEqual(9);
    expect(got[0]!.score).toBeCloseTo(want[0]!.score, 4);
    expect(got[0]!.chunk.headingPath).toEqual(["Results"]);

    const filtered = await store.searchVector(query, {
      tenant: "t1",
      k: 10,
      filter: { topic: "diet", year: { $gte: 2010 } },
    });
    expect(filtered).toHaveLength(10);
    for (const h of filtered) {
      expect(h.chunk.metadata.topic).toBe("diet");
      expect(h.chunk.metadata.year as number).toBeGreaterThanOrEqual(2010);
    }
    const viaArray = await store.searchVector(query, {
      tenant: "t1",
      k: 5,
      filter: { tags: "x", $not: { topic: { $in: ["heart"] } } },
    });
    for (const h of viaArray) {
      expect(h.chunk.metadata.tags).toContain("x");
      expect(h.chunk.metadata.topic).not.toBe("heart");
    }
    const exactFiltered = exact.search(query, {
      k: 5,
      filter: { tags: "x", $not: { topic: { $in: ["heart"] } } },
    });
    expect(viaArray.map((h) => h.chunk.id)).toEqual(exactFiltered.map((h) => h.id));
  });

  it("does keyword search with PostgreSQL full text, hybrid through the retriever, and deletes by document", async () => {
    const store = new PgVectorStore({
      pool,
      schema,
      table: "chunks_fts",
      dimensions: 64,
      index: "ivfflat",
      ivfflat: { lists: 4, probes: 4 },
    });
    await store.upsert("t1", await records(40));
    await store.rebuildIndex();
    const text = await store.searchText("sleep outcome", { tenant: "t1", k: 5 });
    expect(text.length).toBeGreaterThan(0);
    expect(text[0]!.chunk.text).toMatch(/sleep/);
    const retriever = createRetriever({ store, embedder });
    const hits = await retriever.retrieve("sleep study 7", { tenant: "t1", k: 3 });
    expect(hits[0]!.scores.keyword).toBeDefined();
    expect(hits[0]!.scores.vector).toBeDefined();
    expect(await store.documentHashes("t1", ["doc0", "nope"])).toEqual(
      new Map([["doc0", contentHash("doc0")]]),
    );
    expect(await store.deleteDocuments("t1", ["doc0", "doc1"])).toBe(6);
    expect(await store.count("t1")).toBe(34);
    expect((await store.list("t1", { documentId: "doc0" })).length).toBe(0);
    const page1 = await store.list("t1", { limit: 20 });
    const page2 = await store.list("t1", { limit: 20, after: page1.at(-1)!.id });
    expect(page1.length + page2.length).toBe(34);
  });

  it("refuses bad input before writing anything", async () => {
    const store = new PgVectorStore({
      pool,
      schema,
      table: "chunks_bad",
      dimensions: 64,
      metadataFields: ["topic", "year", "tags"],
    });
    const [good, bad] = await records(2);
    await expect(store.upsert("t", [good!, { ...bad!, vector: new Float32Array(3) }])).rejects.toThrow(
      /vector has 3 dimensions, expected 64/,
    );
    await expect(store.upsert("t", [{ ...good!, metadata: { colour: "red" } }])).rejects.toThrow(
      /unknown metadata field "colour"/,
    );
    expect(await store.count("t")).toBe(0);
    await expect(
      store.searchVector(good!.vector, { tenant: "t", k: 3, filter: { colour: "red" } }),
    ).rejects.toThrow(/unknown field "colour"/);
    const other = new PgVectorStore({ pool, schema, table: "chunks_bad", dimensions: 32 });
    await expect(other.count("t")).rejects.toThrow(InvalidRequestError);
  });

  it("never returns or lists another tenant's chunk (property)", async () => {
    const store = new PgVectorStore({
      pool,
      schema,
      table: "chunks_tenants",
      dimensions: 64,
      metadataFields: ["topic", "year", "tags"],
    });
    const data = await records(30);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "b", "c"), { minLength: 30, maxLength: 30 }),
        fc.constantFrom("a", "b", "c"),
        async (owners, asker) => {
          for (const t of ["a", "b", "c"])
            await store.deleteDocuments(t, [...new Set(data.map((r) => r.documentId))]);
          for (const t of ["a", "b", "c"]) {
            const mine = data.filter((_, i) => owners[i] === t).map((r) => ({ ...r, id: `${t}-${r.id}` }));
            await store.upsert(t, mine);
          }
          const q = data[0]!.vector;
          const hits = [
            ...(await store.searchVector(q, { tenant: asker, k: 30 })),
            ...(await store.searchText("study cholesterol", { tenant: asker, k: 30 })),
          ];
          for (const h of hits) expect(h.chunk.id.startsWith(`${asker}-`)).toBe(true);
          for (const c of await store.list(asker)) expect(c.id.startsWith(`${asker}-`)).toBe(true);
          expect(await store.count(asker)).toBe(owners.filter((o) => o === asker).length);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("a store that is down fails with a retryable StoreUnavailableError, and acknowledged writes survive a dropped connection", async () => {
    const down = new PgVectorStore({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      table: "x",
      dimensions: 64,
    });
    const error = await down.count("t").catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.retryable).toBe(true);
    await down.close();

    const { default: pgModule } = await import("pg");
    const appName = `keel_rag_drop_${process.pid}_${Date.now()}`;
    const own = new pgModule.Pool({ connectionString: POSTGRES_URL, max: 1, application_name: appName });
    own.on("error", () => {});
    const store = new PgVectorStore({ pool: own, schema, table: "chunks_drop", dimensions: 64 });
    const data = await records(6);
    await store.upsert("t", data.slice(0, 3));
    // Kill this pool's server connection; the next write fails or reconnects, never half-applies.
    const killed = await pool.query(
      "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1",
      [appName],
    );
    expect(killed.rows.map((r) => r.done)).toContain(true);
    await store.upsert("t", data.slice(3)).catch((e) => {
      expect(e).toBeInstanceOf(StoreUnavailableError);
      return store.upsert("t", data.slice(3));
    });
    expect(await store.count("t")).toBe(6);
    await own.end();
  });
});
