import type pg from "pg";
import { recursiveChunker } from "../chunkers/recursive-chunker.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { createIngestor, type IngestReport } from "../ingest/ingest.js";
import { fileIngestJournal } from "../node/file-journal.js";
import { PgVectorStore } from "../node/pgvector-store.js";
import { versionedDocuments } from "./versioned-documents.js";

/**
 * Ingests version `version` of the test documents into PostgreSQL with a file journal; with
 * `killAfterUpserts` n the process SIGKILLs itself right after the n-th store upsert resolves.
 */
export async function crashIngest(options: {
  pool: pg.Pool;
  schema: string;
  table: string;
  journal: string;
  version: number;
  killAfterUpserts?: number;
}): Promise<IngestReport> {
  const store = new PgVectorStore({
    pool: options.pool,
    schema: options.schema,
    table: options.table,
    dimensions: 32,
  });
  let upserts = 0;
  const upsert = store.upsert.bind(store);
  store.upsert = async (tenant, records) => {
    await upsert(tenant, records);
    if (++upserts === options.killAfterUpserts) process.kill(process.pid, "SIGKILL");
  };
  const ingestor = createIngestor({
    store,
    chunker: recursiveChunker({ chunkSize: 80, overlap: 0 }),
    embedder: defaultEmbedder({ dimensions: 32 }),
    journal: fileIngestJournal(options.journal),
    batchSize: 3,
  });
  return ingestor.ingest(versionedDocuments(options.version), { tenant: "crash", deleteMissing: true });
}
