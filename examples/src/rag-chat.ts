/**
 * A chat over a folder of documents, on the store you pick:
 *
 *   npx tsx --conditions=@keel/source examples/src/rag-chat.ts [--store memory|pgvector|qdrant]
 *     [--ask "question" ...] [--postgres-url URL] [--qdrant-url URL] [--name TABLE_OR_COLLECTION]
 *
 * Ingests the PostgreSQL manual pages in examples/docs (a re-run re-indexes only what changed),
 * then answers each question with hybrid retrieval, a conversation history fitted to a token
 * budget and cited passages. The model is chosen as the demo chooses it (offline unless a key,
 * KEEL_BASE_URL or KEEL_GGUF is set). Exits 1 on any failure.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Message, pipe, retry } from "@keel/core";
import { dropLeastRelevant, dropMiddle, fitToBudget } from "@keel/core/context";
import { createIngestor, createRetriever, defaultEmbedder, markdownChunker } from "@keel/rag";
import { openStore, type StoreKind } from "./rag-chat/open-store.js";
import { chooseModel } from "./shared/choose-model.js";
import { loadManualPages } from "./shared/manual-pages.js";
import { citationsOf, passagesIn, ragRequest, toPassages } from "./shared/rag-request.js";

const { values: flags } = parseArgs({
  options: {
    store: { type: "string", default: "memory" },
    ask: { type: "string", multiple: true },
    docs: { type: "string", default: fileURLToPath(new URL("../docs/postgresql", import.meta.url)) },
    "postgres-url": {
      type: "string",
      default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
    "qdrant-url": { type: "string", default: process.env.QDRANT_URL ?? "http://127.0.0.1:6333" },
    name: { type: "string", default: "keel_rag_chat" },
    schema: { type: "string" },
    budget: { type: "string", default: "2000" },
  },
});
const questions = flags.ask ?? [
  "What is the difference between Read Committed and Repeatable Read isolation?",
  "Which index types does PostgreSQL provide?",
  "How does write-ahead logging protect data after a crash?",
];
const out = (line = "") => process.stdout.write(`${line}\n`);
const tenant = "docs";
const budget = Number(flags.budget);

const embedder = defaultEmbedder({ dimensions: 512 });
const store = await openStore({
  kind: flags.store as StoreKind,
  dimensions: 512,
  postgresUrl: flags["postgres-url"],
  qdrantUrl: flags["qdrant-url"],
  name: flags.name,
  ...(flags.schema ? { schema: flags.schema } : {}),
});
try {
  const chosen = await chooseModel();
  const model = pipe(chosen.model, retry());
  out(`store: ${flags.store}; model: ${chosen.description}`);

  const ingestor = createIngestor({ store, chunker: markdownChunker({ chunkSize: 800 }), embedder });
  const report = await ingestor.ingest(await loadManualPages(flags.docs), { tenant, deleteMissing: true });
  if (report.failed.length) throw new Error(`${report.failed.length} documents failed to ingest`);
  out(
    `ingested: ${report.added.length} added, ${report.updated.length} updated, ` +
      `${report.unchanged.length} unchanged, ${report.chunks} chunks written`,
  );

  const retriever = createRetriever({ store, embedder });
  const history: Message[] = [];
  for (const question of questions) {
    out(`\nyou: ${question}`);
    const hits = await retriever.retrieve(question, { tenant, k: 6 });
    const { request, report: fit } = await fitToBudget(ragRequest(question, toPassages(hits), history), {
      maxInputTokens: budget,
      strategies: [dropLeastRelevant({ minKeep: 2 }), dropMiddle({ keepRecent: 2 })],
      model: chosen.model,
    });
    if (!fit.fits)
      throw new Error(`turn needs ${fit.tokensAfter} tokens after fitting; the budget is ${budget}`);
    const answer = await model.generate(request);
    out(`assistant: ${answer.text}`);
    const { cited } = citationsOf(answer.text, passagesIn(request));
    for (const p of cited) out(`  [${p.n}] ${p.source} › ${p.section}`);
    if (cited.length === 0) throw new Error("the answer cites no passage");
    const cuts = fit.cuts.map((c) => `${c.strategy}: ${c.dropped}`).join("; ");
    out(`  (${fit.tokensAfter} input tokens${cuts ? `; cut ${cuts}` : ""})`);
    history.push({ role: "user", content: question }, { role: "assistant", content: answer.text });
  }
} catch (error) {
  const e = error as { name?: string; message?: string };
  out(`\nrag-chat failed: ${e.name ?? "Error"}: ${e.message ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await store.close?.();
}
