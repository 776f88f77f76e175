import { describe, expect, it } from "vitest";
import { recursiveChunker } from "../chunkers/recursive-chunker.js";
import { contentHash } from "../content-hash.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { DocumentError, StoreUnavailableError } from "../errors.js";
import { MemoryStore } from "../stores/memory-store.js";
import type { RagDocument } from "../types.js";
import { canonicalMetadata } from "./canonical-metadata.js";
import { createIngestor, type IngestProgress } from "./ingest.js";
import { memoryIngestJournal } from "./ingest-journal.js";

const chunker = recursiveChunker({ chunkSize: 60, overlap: 0 });
const docs = (n: number, tag = "v1"): RagDocument[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `doc${i}`,
    text: `Document ${i} ${tag}. It has a first sentence about topic ${i}. And a second one, ${tag} again.`,
    metadata: { n: i },
  }));

async function chunkIdsByDocument(store: MemoryStore, tenant: string) {
  const out = new Map<string, string[]>();
  for (const c of await store.list(tenant, { limit: 10_000 }))
    out.set(c.documentId, [...(out.get(c.documentId) ?? []), c.id].sort());
  return out;
}

async function expected(documents: RagDocument[]) {
  const out = new Map<string, string[]>();
  for (const d of documents) out.set(d.id, (await chunker.chunk(d)).map((c) => c.id).sort());
  return out;
}

function setup() {
  const store = new MemoryStore({ dimensions: 64 });
  const events: IngestProgress[] = [];
  const ingestor = createIngestor({
    store,
    chunker,
    embedder: defaultEmbedder({ dimensions: 64 }),
    batchSize: 3,
    onProgress: (p) => events.push(p),
  });
  return { store, events, ingestor };
}

describe("createIngestor", () => {
  it("adds, then re-indexes only what changed, removing every stale chunk", async () => {
    const { store, events, ingestor } = setup();
    const first = await ingestor.ingest(docs(7), { tenant: "t" });
    expect(first.added).toHaveLength(7);
    expect(events.at(-1)).toMatchObject({ done: 7, total: 7 });
    expect(await chunkIdsByDocument(store, "t")).toEqual(await expected(docs(7)));

    const next = docs(7);
    next[2] = { ...next[2]!, text: "Rewritten entirely. Short now." };
    next[4] = { ...next[4]!, metadata: { n: 40 } };
    const second = await ingestor.ingest(next, { tenant: "t" });
    expect(second.updated.sort()).toEqual(["doc2", "doc4"]);
    expect(second.unchanged).toHaveLength(5);
    expect(await chunkIdsByDocument(store, "t")).toEqual(await expected(next));
    expect((await store.list("t", { documentId: "doc4" }))[0]!.metadata).toEqual({ n: 40 });
  });

  it("dedupes equal content, deletes missing documents from every index, and keeps tenants apart", async () => {
    const { store, ingestor } = setup();
    await ingestor.ingest(docs(5), { tenant: "t" });
    await ingestor.ingest(docs(2), { tenant: "other" });
    const input = [...docs(3), { id: "copy", text: docs(1)[0]!.text }];
    const report = await ingestor.ingest(input, { tenant: "t", deleteMissing: true });
    expect(report.duplicates).toEqual([{ documentId: "copy", sameAs: "doc0" }]);
    expect(report.deleted.sort()).toEqual(["copy", "doc3", "doc4"]);
    expect([...(await chunkIdsByDocument(store, "t")).keys()].sort()).toEqual(["doc0", "doc1", "doc2"]);
    expect(
      await store.searchText!("topic 4", { tenant: "t", k: 10, filter: { documentId: "doc4" } }),
    ).toEqual([]);
    expect([...(await chunkIdsByDocument(store, "other")).keys()].sort()).toEqual(["doc0", "doc1"]);
  });

  it("refuses a bad document before writing it, or skips it and reports it", async () => {
    const { store, ingestor } = setup();
    const bad = [...docs(2), { id: "empty", text: " " }, ...docs(4).slice(2)];
    await expect(ingestor.ingest(bad, { tenant: "t" })).rejects.toThrow(/document "empty": text is empty/);
    expect(await chunkIdsByDocument(store, "t")).not.toContain("empty");
    const report = await ingestor.ingest(bad, { tenant: "t", onError: "skip" });
    expect(report.failed.map((f) => f.documentId)).toEqual(["empty"]);
    expect(report.failed[0]!.error).toBeInstanceOf(DocumentError);
    expect([...(await chunkIdsByDocument(store, "t")).keys()].sort()).toEqual([
      "doc0",
      "doc1",
      "doc2",
      "doc3",
    ]);
    await expect(ingestor.ingest([...docs(1), ...docs(1)], { tenant: "t" })).rejects.toThrow(
      /"doc0": appears twice/,
    );
  });

  it("a store failing mid-run surfaces a retryable StoreUnavailableError, and the rerun leaves exactly the new state", async () => {
    const store = new MemoryStore({ dimensions: 64 });
    const embedder = defaultEmbedder({ dimensions: 64 });
    const journal = memoryIngestJournal();
    await createIngestor({ store, chunker, embedder, journal }).ingest(docs(6), { tenant: "t" });
    let calls = 0;
    const flaky = Object.create(store) as MemoryStore;
    flaky.deleteStale = async (tenant, documents) => {
      if (++calls === 2) throw new StoreUnavailableError("memory", "connection reset");
      return store.deleteStale(tenant, documents);
    };
    const next = docs(6, "v2");
    const error = await createIngestor({ store: flaky, chunker, embedder, journal, batchSize: 2 })
      .ingest(next, { tenant: "t" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.retryable).toBe(true);
    expect((await journal.pending("t")).size).toBe(2);
    const report = await createIngestor({ store, chunker, embedder, journal }).ingest(next, { tenant: "t" });
    expect(report.updated.sort()).toEqual(["doc2", "doc3", "doc4", "doc5"]);
    expect(await chunkIdsByDocument(store, "t")).toEqual(await expected(next));
  });

  it("redoes a document a crashed run left pending, even when its hash already matches", async () => {
    const store = new MemoryStore({ dimensions: 64 });
    const journal = memoryIngestJournal();
    const embedder = defaultEmbedder({ dimensions: 64 });
    const ingestor = createIngestor({ store, chunker, embedder, journal });
    await ingestor.ingest(docs(2), { tenant: "t" });
    // A crash after upserting a new version of doc0 but before its stale chunks went: both versions' chunks are stored.
    const [changed] = docs(1, "v2");
    await journal.begin("t", ["doc0"]);
    const newChunks = await chunker.chunk(changed!);
    const vectors = (await embedder.embed(newChunks.map((c) => c.text))).embeddings;
    const hash = contentHash(changed!.text, canonicalMetadata(changed!.metadata));
    await store.upsert(
      "t",
      newChunks.map((c, i) => ({ ...c, vector: Float32Array.from(vectors[i]!), documentHash: hash })),
    );
    expect((await chunkIdsByDocument(store, "t")).get("doc0")!.length).toBeGreaterThan(newChunks.length);
    const report = await ingestor.ingest([changed!, docs(2)[1]!], { tenant: "t" });
    expect(report.updated).toEqual(["doc0"]);
    expect(await journal.pending("t")).toEqual(new Set());
    expect(await chunkIdsByDocument(store, "t")).toEqual(await expected([changed!, docs(2)[1]!]));
  });
});
