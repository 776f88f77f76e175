import { VectorIndex } from "@keel/core/search";
import { QdrantClient } from "@qdrant/js-client-rest";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QdrantTestServer } from "../__fixtures__/qdrant-server.js";
import { contentHash } from "../content-hash.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { createEmbedder } from "../embed/embedder.js";
import { StoreUnavailableError } from "../errors.js";
import { createRetriever } from "../retrieve/retriever.js";
import type { ChunkRecord } from "../types.js";
import { QdrantStore } from "./qdrant-store.js";

const embedder = createEmbedder(defaultEmbedder({ dimensions: 32 }));
const topics = ["heart", "brain", "diet", "sleep"];

async function records(n: number): Promise<ChunkRecord[]> {
  const texts = Array.from(
    { length: n },
    (_, i) => `${topics[i % 4]} trial ${i} measured cholesterol ${i % 5} outcome ${i % 9}`,
  );
  const vectors = await embedder.embed(texts);
  return texts.map((text, i) => ({
    id: `c${i}`,
    documentId: `doc${Math.floor(i / 4)}`,
    text,
    start: 0,
    end: text.length,
    headingPath: ["Methods"],
    index: i % 4,
    metadata: { topic: topics[i % 4]!, year: 2000 + (i % 20), tags: i % 2 ? ["odd"] : ["even", "x"] },
    vector: vectors[i]!,
    documentHash: contentHash(`doc${Math.floor(i / 4)}`),
  }));
}

const server = new QdrantTestServer();
let client: QdrantClient;
beforeAll(async () => {
  const url = await server.start();
  client = new QdrantClient({ url, checkCompatibility: true });
});
afterAll(async () => {
  await server.stop();
});

const fields = ["topic", "year", "tags"];
const newStore = (collection: string, extra = {}) =>
  new QdrantStore({
    client,
    collection,
    dimensions: 32,
    metadataFields: fields,
    fieldSchemas: { year: "integer" },
    ...extra,
  });

describe("QdrantStore with the real @qdrant/js-client-rest against a schema-validated local server", () => {
  it("creates the collection with named dense and IDF sparse vectors and payload indexes", async () => {
    const store = newStore("setup");
    await store.migrate();
    const info = server.collections.get("setup")!;
    expect(info.dense).toEqual({ dense: { size: 32, distance: "Cosine" } });
    expect(info.sparse).toEqual({ bm25: { modifier: "idf" } });
    expect(Object.fromEntries(info.indexes)).toEqual({
      tenant: "keyword",
      document_id: "keyword",
      "metadata.topic": "keyword",
      "metadata.year": "integer",
      "metadata.tags": "keyword",
    });
    await expect(new QdrantStore({ client, collection: "setup", dimensions: 16 }).count("t")).rejects.toThrow(
      /32-dimension/,
    );
  });

  it("searches dense, sparse BM25 and server-side hybrid, with filters, deletes and pages", async () => {
    const store = newStore("main", { batchSize: 7 });
    const data = await records(40);
    await store.upsert("t1", data);
    const upserts = server.requests.filter(
      (r) => r.method === "PUT" && r.path === "/collections/main/points",
    );
    expect(upserts).toHaveLength(6);

    const exact = new VectorIndex({ dimensions: 32 });
    for (const r of data) exact.add(r.id, r.vector, r.metadata);
    const q = (await embedder.embed(["sleep trial cholesterol 3"]))[0]!;
    const dense = await store.searchVector(q, { tenant: "t1", k: 5 });
    expect(dense.map((h) => h.chunk.id)).toEqual(exact.search(q, { k: 5 }).map((h) => h.id));
    expect(dense[0]!.chunk.headingPath).toEqual(["Methods"]);

    const filter = {
      topic: { $in: ["diet", "brain"] },
      year: { $gte: 2005, $lt: 2015 },
      $not: { tags: "odd" },
    };
    const filtered = await store.searchVector(q, { tenant: "t1", k: 5, filter });
    expect(filtered.map((h) => h.chunk.id)).toEqual(exact.search(q, { k: 5, filter }).map((h) => h.id));

    const keyword = await store.searchText("sleep outcome", { tenant: "t1", k: 3 });
    expect(keyword[0]!.chunk.text).toMatch(/sleep/);

    for (const fusion of ["rrf", "dbsf"] as const) {
      const retriever = createRetriever({ store, embedder, fusion: { method: "server", fusion } });
      const hits = await retriever.retrieve("sleep trial outcome 4", {
        tenant: "t1",
        k: 4,
        filter: { topic: "sleep" },
      });
      expect(hits.length).toBe(4);
      for (const h of hits) expect(h.metadata.topic).toBe("sleep");
    }
    const query = server.requests.filter((r) => r.path === "/collections/main/points/query").at(-1)!
      .body as Record<string, any>;
    expect(query.query).toEqual({ fusion: "dbsf" });
    expect(query.prefetch.map((p: { using: string }) => p.using)).toEqual(["dense", "bm25"]);

    expect(await store.documentHashes("t1", ["doc0", "doc3", "nope"])).toEqual(
      new Map([
        ["doc0", contentHash("doc0")],
        ["doc3", contentHash("doc3")],
      ]),
    );
    expect(await store.deleteDocuments("t1", ["doc0", "doc1"])).toBe(8);
    expect(await store.count("t1")).toBe(32);
    const page1 = await store.list("t1", { limit: 20 });
    const page2 = await store.list("t1", { limit: 20, after: page1.at(-1)!.id });
    expect(new Set([...page1, ...page2].map((c) => c.id)).size).toBe(32);
  });

  it("retries 503 and 429 answers, and a store that stays down is a retryable StoreUnavailableError with nothing half-written", async () => {
    const store = newStore("retry");
    await store.migrate();
    const data = await records(3);
    server.failNext = [503, 429];
    await store.upsert("t", data);
    expect(await store.count("t")).toBe(3);
    server.failNext = [503, 503, 503];
    const error = await store.upsert("t", await records(5)).catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.retryable).toBe(true);
    expect(await store.count("t")).toBe(3);

    const down = new QdrantStore({
      url: "http://127.0.0.1:1",
      collection: "x",
      dimensions: 32,
      maxAttempts: 1,
    });
    const unreachable = await down.count("t").catch((e) => e);
    expect(unreachable).toBeInstanceOf(StoreUnavailableError);
  });

  it("never returns or lists another tenant's chunk (property)", async () => {
    const store = newStore("tenants");
    const data = await records(16);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "b"), { minLength: 16, maxLength: 16 }),
        fc.constantFrom("a", "b"),
        async (owners, asker) => {
          for (const t of ["a", "b"]) await store.deleteDocuments(t, ["doc0", "doc1", "doc2", "doc3"]);
          for (const t of ["a", "b"]) {
            const mine = data.filter((_, i) => owners[i] === t).map((r) => ({ ...r, id: `${t}-${r.id}` }));
            await store.upsert(t, mine);
          }
          const hits = [
            ...(await store.searchVector(data[0]!.vector, { tenant: asker, k: 20 })),
            ...(await store.searchText("trial cholesterol", { tenant: asker, k: 20 })),
            ...(await store.searchHybrid(
              { text: "trial", vector: data[1]!.vector },
              { tenant: asker, k: 20, fusion: "rrf", candidates: 20 },
            )),
          ];
          for (const h of hits) expect(h.chunk.id.startsWith(`${asker}-`)).toBe(true);
          for (const c of await store.list(asker)) expect(c.id.startsWith(`${asker}-`)).toBe(true);
        },
      ),
      { numRuns: 6 },
    );
  });

  it("saw every request and response conform to Qdrant's OpenAPI schema", () => {
    expect(server.api.violations).toEqual([]);
    expect([...server.api.seen].sort()).toEqual([
      "GET /",
      "GET /collections/{collection_name}",
      "GET /collections/{collection_name}/exists",
      "POST /collections/{collection_name}/points/count",
      "POST /collections/{collection_name}/points/delete",
      "POST /collections/{collection_name}/points/query",
      "POST /collections/{collection_name}/points/scroll",
      "PUT /collections/{collection_name}",
      "PUT /collections/{collection_name}/index",
      "PUT /collections/{collection_name}/points",
    ]);
    // The validator is not vacuous: a malformed upsert and an unknown path are caught.
    const probe = server.api;
    expect(
      probe.checkRequest("PUT", "/collections/x/points", { points: [{ id: -3, vector: [1] }] }),
    ).toBeDefined();
    expect(probe.checkRequest("POST", "/collections/x/points/query", { limit: "ten" })).toBeDefined();
    expect(probe.checkRequest("GET", "/no/such/path", undefined)).toBeDefined();
  });
});
