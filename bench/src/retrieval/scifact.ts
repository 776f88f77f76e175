/**
 * bench/retrieval/scifact: retrieval quality on a BEIR-format collection (default: BEIR SciFact
 * in ../shared/datasets/scifact) through @keel/rag's real path — MemoryStore, createRetriever —
 * printing one JSON line per method: bm25, vector (the embedded lexical default) and hybrid (RRF).
 *
 *   pnpm bench:scifact [--data DIR] [--depth 1000]
 *
 * BM25 settings are fixed from the literature, never searched on these queries: k1 = 0.9,
 * b = 0.4 and Lucene's English analyzer (Anserini's BEIR "flat" baseline: title and text as one
 * field), one chunk per document as Anserini indexes it, 1,000 hits per query.
 *
 * `hybrid` fuses min-max normalized scores (Pyserini's best fusion on SciFact) with the vector
 * side weighted 0.5 against BM25's 1: the embedded default is a lexical, much weaker ranker, and
 * that weight was chosen on a dev half of the queries (a fixed hash of the query id) among
 * {1, 0.5, 0.3, 0.2}. Each line reports all queries and, as `*_heldout`, the other half alone,
 * which no setting saw. `hybrid-rrf` is plain RRF, k = 60, equal weights (Cormack et al. 2009),
 * for comparison. Metrics follow trec_eval (see trec-eval.ts).
 */
import { parseArgs } from "node:util";
import { contentHash, createEmbedder, createRetriever, defaultEmbedder, MemoryStore } from "@keel/rag";
import { loadBeir } from "./beir-data.js";
import { evaluate, type Qrels, type Run } from "./trec-eval.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "../shared/datasets/scifact" },
    depth: { type: "string", default: "1000" },
    methods: { type: "string", default: "bm25,vector,hybrid,hybrid-rrf" },
  },
});
const depth = Number(values.depth);
const collection = loadBeir(values.data!);
const tenant = "bench";

const embedder = createEmbedder(defaultEmbedder());
const store = new MemoryStore({ dimensions: embedder.model.dimensions! });
const buildStart = performance.now();
const batch = 256;
for (let i = 0; i < collection.corpus.length; i += batch) {
  const docs = collection.corpus.slice(i, i + batch);
  const texts = docs.map((d) => (d.title ? `${d.title} ${d.text}` : d.text));
  const vectors = await embedder.embed(texts);
  await store.upsert(
    tenant,
    docs.map((d, j) => ({
      id: d.id,
      documentId: d.id,
      text: texts[j]!,
      start: 0,
      end: texts[j]!.length,
      headingPath: [],
      index: 0,
      metadata: {},
      vector: vectors[j]!,
      documentHash: contentHash(texts[j]!),
    })),
  );
}
const buildMs = performance.now() - buildStart;

/** The dev half (used to pick the hybrid weight) is the queries whose id hashes even. */
const isDev = (qid: string) => Number.parseInt(contentHash("split", qid).slice(0, 8), 16) % 2 === 0;
const heldOut: Qrels = new Map([...collection.qrels].filter(([qid]) => !isDev(qid)));

const methods = {
  bm25: { mode: "keyword", fusion: { method: "rrf", k: 60 } },
  vector: { mode: "vector", fusion: { method: "rrf", k: 60 } },
  hybrid: { mode: "hybrid", fusion: { method: "weighted", normalization: "min-max", weights: [0.5, 1] } },
  "hybrid-rrf": { mode: "hybrid", fusion: { method: "rrf", k: 60 } },
} as const;
for (const method of values.methods!.split(",") as Array<keyof typeof methods>) {
  if (!methods[method])
    throw new Error(`unknown method ${method}; known: ${Object.keys(methods).join(", ")}`);
  const retriever = createRetriever({
    store,
    embedder,
    mode: methods[method].mode,
    fusion: methods[method].fusion as never,
    candidates: depth,
  });
  const run: Run = new Map();
  const times: number[] = [];
  for (const [qid, query] of collection.queries) {
    const start = performance.now();
    const hits = await retriever.retrieve(query, { tenant, k: depth });
    times.push(performance.now() - start);
    run.set(
      qid,
      hits.map((h) => ({ id: h.documentId, score: h.score })),
    );
  }
  times.sort((a, b) => a - b);
  const figures = evaluate(run, collection.qrels);
  const held = evaluate(run, heldOut);
  console.log(
    JSON.stringify({
      method,
      "ndcg@10": Number(figures["ndcg@10"].toFixed(4)),
      "recall@100": Number(figures["recall@100"].toFixed(4)),
      "mrr@10": Number(figures["mrr@10"].toFixed(4)),
      ms_per_query_p50: Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
      queries: collection.queries.size,
      "ndcg@10_heldout": Number(held["ndcg@10"].toFixed(4)),
      "recall@100_heldout": Number(held["recall@100"].toFixed(4)),
      queries_heldout: heldOut.size,
      docs: collection.corpus.length,
      index_build_ms: Math.round(buildMs),
    }),
  );
}
