/**
 * bench/retrieval/speed: build time and query latency over synthetic chunks (default 100,000 of
 * about 200 tokens, Zipf vocabulary, fixed seed) for Keel's BM25, exact vector search, HNSW and
 * hybrid (through @keel/rag's MemoryStore and retriever), side by side with MiniSearch (BM25)
 * and hnswlib-node (HNSW, C++) on the same data and vectors. One JSON line per engine and op.
 *
 *   pnpm bench:retrieval-speed [--docs 100000] [--queries 300] [--dims 256]
 *
 * Vectors are the corpus's synthetic embeddings (see synthetic-corpus.ts: low intrinsic
 * dimension, as sentence embeddings have); the retriever embeds queries by looking them up. HNSW
 * settings are the same for both engines: M = 16, efConstruction = 100, efSearch = 100.
 * recall@10 is against Keel's exact search. Latencies are reported as wall time and as CPU time
 * of this process (on a busy shared machine wall time also counts time spent descheduled);
 * MiniSearch returns every match (callers take the first 10), Keel returns the top k.
 */
import { parseArgs } from "node:util";
import type { EmbeddingModel } from "@keel/core";
import { recallAtK, reciprocalRankFusion, type SearchHit, VectorIndex } from "@keel/core/search";
import { getTokenizer } from "@keel/core/tokens";
import { contentHash, createEmbedder, createRetriever, MemoryStore } from "@keel/rag";
import hnswlib from "hnswlib-node";
import MiniSearch from "minisearch";
import { syntheticCorpus } from "./synthetic-corpus.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "100000" },
    queries: { type: "string", default: "300" },
    dims: { type: "string", default: "256" },
    words: { type: "string", default: "75" },
  },
});
const docs = Number(values.docs);
const dims = Number(values.dims);
const genStart = performance.now();
const { chunks, vectors, queries, queryVectors } = syntheticCorpus({
  count: docs,
  words: Number(values.words),
  queries: Number(values.queries),
  seed: 7,
  vocabulary: 50_000,
  dims,
});
const embedMs = performance.now() - genStart;
const tokenizer = await getTokenizer("o200k_base");
const tokensPerChunk = chunks.slice(0, 200).reduce((s, c) => s + tokenizer.count(c), 0) / 200;

const ids = chunks.map((_, i) => `c${i}`);
/** The corpus's embeddings served as an embedding model, so the retriever's query path runs as in an application. */
const table = new Map<string, Float32Array>(queries.map((q, i) => [q, queryVectors[i]!]));
const lookup: EmbeddingModel = {
  provider: "bench",
  id: "synthetic-lookup",
  dimensions: dims,
  maxBatchSize: 256,
  async embed(texts) {
    return {
      embeddings: texts.map((t) =>
        Array.from(
          table.get(t) ??
            (() => {
              throw new Error(`no vector for ${t}`);
            })(),
        ),
      ),
    };
  },
};
const embedder = createEmbedder(lookup, { retry: false });

/** CPU time this process has used, in ms: on a shared machine wall time also counts time spent descheduled. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
function line(
  engine: string,
  op: string,
  build: { wall: number; cpu: number },
  times: number[] & { cpu?: number[] },
  recall?: number,
) {
  console.log(
    JSON.stringify({
      engine,
      op,
      docs,
      build_ms: Math.round(build.wall),
      p50_ms: Number(percentile(times, 0.5).toFixed(3)),
      p99_ms: Number(percentile(times, 0.99).toFixed(3)),
      build_cpu_ms: Math.round(build.cpu),
      p50_cpu_ms: Number(percentile(times.cpu!, 0.5).toFixed(3)),
      p99_cpu_ms: Number(percentile(times.cpu!, 0.99).toFixed(3)),
      "recall@10": recall === undefined ? null : Number(recall.toFixed(4)),
      ...(op === "bm25" && engine === "keel"
        ? { tokens_per_chunk: Math.round(tokensPerChunk), generate_ms: Math.round(embedMs), dims }
        : {}),
    }),
  );
}
async function time<T>(
  fn: (i: number) => T | Promise<T>,
): Promise<{ times: number[] & { cpu: number[] }; results: T[] }> {
  for (let i = 0; i < Math.min(20, queries.length); i++) await fn(i);
  const times: number[] = [];
  const cpu: number[] = [];
  const results: T[] = [];
  for (let i = 0; i < queries.length; i++) {
    const c = cpuMs();
    const s = performance.now();
    results.push(await fn(i));
    times.push(performance.now() - s);
    cpu.push(cpuMs() - c);
  }
  return { times: Object.assign(times, { cpu }), results };
}
/** Wall and CPU milliseconds a build step took. */
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c = cpuMs();
  const s = performance.now();
  await fn();
  return { wall: performance.now() - s, cpu: cpuMs() - c };
}

// Keel: the rag MemoryStore (BM25 + HNSW per tenant), as an application builds it.
const tenant = "bench";
const store = new MemoryStore({
  dimensions: dims,
  vectorIndex: "hnsw",
  hnsw: { m: 16, efConstruction: 100, efSearch: 100 },
});
const keelBuild = await measure(async () => {
  for (let i = 0; i < docs; i += 1000)
    await store.upsert(
      tenant,
      ids.slice(i, i + 1000).map((id, j) => ({
        id,
        documentId: id,
        text: chunks[i + j]!,
        start: 0,
        end: chunks[i + j]!.length,
        headingPath: [],
        index: 0,
        metadata: {},
        vector: vectors[i + j]!,
        documentHash: contentHash(id),
      })),
    );
});
process.stderr.write(`keel store built in ${Math.round(keelBuild.wall)} ms\n`);

const exact = new VectorIndex({ dimensions: dims });
const exactBuild = await measure(() => {
  for (let i = 0; i < docs; i++) exact.add(ids[i]!, vectors[i]!);
});
const truth = queryVectors.map((q) => exact.search(q, { k: 10 }));

const bm25 = await time((i) => store.searchText(queries[i]!, { tenant, k: 10 }));
line("keel", "bm25", keelBuild, bm25.times);
const ex = await time((i) => exact.search(queryVectors[i]!, { k: 10 }));
line("keel", "vector-exact", exactBuild, ex.times, 1);
const hnsw = await time((i) => store.searchVector(queryVectors[i]!, { tenant, k: 10 }));
const hnswRecall =
  hnsw.results.reduce(
    (sum, r, i) =>
      sum +
      recallAtK(
        r.map((h) => ({ id: h.chunk.id, score: h.score })),
        truth[i]!,
        10,
      ),
    0,
  ) / queries.length;
line("keel", "vector-hnsw", keelBuild, hnsw.times, hnswRecall);
const retriever = createRetriever({ store, embedder, mode: "hybrid", candidates: 100 });
const hybrid = await time((i) => retriever.retrieve(queries[i]!, { tenant, k: 10 }));
line("keel", "hybrid", keelBuild, hybrid.times);

// MiniSearch (BM25+, its default scoring and tokenizer).
const mini = new MiniSearch({ fields: ["text"], idField: "id" });
const miniBuild = await measure(() => {
  for (let i = 0; i < docs; i += 1000)
    mini.addAll(ids.slice(i, i + 1000).map((id, j) => ({ id, text: chunks[i + j]! })));
});
const miniRes = await time((i) => mini.search(queries[i]!).slice(0, 10));
line("minisearch", "bm25", miniBuild, miniRes.times);

// hnswlib-node (C++ HNSW), same vectors and settings.
const hn = new hnswlib.HierarchicalNSW("cosine", dims);
const hnBuild = await measure(() => {
  hn.initIndex({ maxElements: docs, m: 16, efConstruction: 100, randomSeed: 42 });
  for (let i = 0; i < docs; i++) hn.addPoint(Array.from(vectors[i]!), i);
  hn.setEf(100);
});
const hnRes = await time((i) => hn.searchKnn(Array.from(queryVectors[i]!), 10));
const hnRecall =
  hnRes.results.reduce(
    (sum, r, i) =>
      sum +
      recallAtK(
        r.neighbors.map((n) => ({ id: ids[n]!, score: 0 })),
        truth[i]!,
        10,
      ),
    0,
  ) / queries.length;
line("hnswlib-node", "vector-hnsw", hnBuild, hnRes.times, hnRecall);

// The same hybrid from the two libraries: MiniSearch's and hnswlib's top 100, fused by RRF (k = 60).
const pairHybrid = await time(async (i) => {
  const q = (await embedder.embed([queries[i]!]))[0]!;
  const lexical: SearchHit[] = mini
    .search(queries[i]!)
    .slice(0, 100)
    .map((r) => ({ id: String(r.id), score: r.score }));
  const knn = hn.searchKnn(Array.from(q), 100);
  const dense: SearchHit[] = knn.neighbors.map((n, j) => ({ id: ids[n]!, score: 1 - knn.distances[j]! }));
  return reciprocalRankFusion([dense, lexical], { k: 60, limit: 10 });
});
line(
  "minisearch+hnswlib-node",
  "hybrid",
  { wall: miniBuild.wall + hnBuild.wall, cpu: miniBuild.cpu + hnBuild.cpu },
  pairHybrid.times,
);
