import { type CallOptions, type EmbeddingModel, InvalidRequestError } from "@keel/core";
import { checkDocument } from "../chunkers/check-document.js";
import { contentHash } from "../content-hash.js";
import { createEmbedder, type Embedder } from "../embed/embedder.js";
import { DocumentError } from "../errors.js";
import { checkTenant } from "../stores/check-records.js";
import type { ChunkStore } from "../stores/chunk-store.js";
import type { Chunker, ChunkRecord, RagDocument } from "../types.js";
import { canonicalMetadata } from "./canonical-metadata.js";
import { type IngestJournal, memoryIngestJournal } from "./ingest-journal.js";

/** What happened to one document, reported as it happens. */
export interface IngestProgress {
  documentId: string;
  outcome: "added" | "updated" | "unchanged" | "duplicate" | "failed" | "deleted";
  /** Documents handled so far in this run, and the total when the input's length is known. */
  done: number;
  total?: number;
  chunks?: number;
  error?: DocumentError;
}

/** The outcome of an ingestion run. */
export interface IngestReport {
  added: string[];
  updated: string[];
  unchanged: string[];
  /** Documents skipped because an earlier document in the run had the same content. */
  duplicates: Array<{ documentId: string; sameAs: string }>;
  deleted: string[];
  failed: Array<{ documentId: string; error: DocumentError }>;
  /** Chunks written (added or updated documents). */
  chunks: number;
}

/** Options of `createIngestor`. */
export interface IngestorOptions {
  store: ChunkStore;
  chunker: Chunker;
  /** An `Embedder` or any core `EmbeddingModel`. */
  embedder: Embedder | EmbeddingModel;
  /** Durable record of documents being written, for resuming after a crash. Default: in memory. */
  journal?: IngestJournal;
  /** Documents written per store round trip. Default 32. */
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
}

/** Options of one run. */
export interface IngestOptions {
  tenant: string;
  /** Skip a document whose content equals an earlier one's in this run. Default true. */
  dedupe?: boolean;
  /** Remove from the store every document of the tenant not in this run's input. Default false. */
  deleteMissing?: boolean;
  /** "throw" (default): a bad document stops the run before it is written; "skip": it is reported in `failed`. */
  onError?: "throw" | "skip";
  call?: CallOptions;
}

/** Indexes documents into a store; re-running only touches what changed. */
export interface Ingestor {
  ingest(
    documents: Iterable<RagDocument> | AsyncIterable<RagDocument>,
    options: IngestOptions,
  ): Promise<IngestReport>;
  /** Removes documents from every index of the store. */
  delete(tenant: string, documentIds: readonly string[]): Promise<number>;
}

interface Prepared {
  document: RagDocument;
  hash: string;
  records: ChunkRecord[];
  outcome: "added" | "updated";
}

/**
 * Ingestion: content-hash dedupe, re-indexing only documents whose text or metadata changed,
 * deletes that reach every index, progress callbacks, and crash safety — each batch is journaled
 * before the store is touched, its new chunks are upserted, stale chunks of the earlier version
 * deleted, and only then the journal committed; a document left pending by a crash is redone on
 * the next run. A document is chunked and embedded in full before anything of it is written.
 */
export function createIngestor(options: IngestorOptions): Ingestor {
  const embedder: Embedder =
    "modelKey" in options.embedder ? options.embedder : createEmbedder(options.embedder);
  const journal = options.journal ?? memoryIngestJournal();
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidRequestError(`createIngestor: batchSize must be a positive integer, got ${batchSize}`);
  const store = options.store;

  return {
    async delete(tenant, documentIds) {
      checkTenant(tenant, "ingestor.delete");
      await journal.begin(tenant, documentIds);
      const removed = await store.deleteDocuments(tenant, documentIds);
      await journal.commit(tenant, documentIds);
      return removed;
    },

    async ingest(documents, o) {
      const tenant = checkTenant(o?.tenant, "ingest");
      const onError = o.onError ?? "throw";
      const dedupe = o.dedupe ?? true;
      const total = Array.isArray(documents) ? documents.length : undefined;
      const report: IngestReport = {
        added: [],
        updated: [],
        unchanged: [],
        duplicates: [],
        deleted: [],
        failed: [],
        chunks: 0,
      };
      const pending = await journal.pending(tenant);
      const seenIds = new Set<string>();
      const seenContent = new Map<string, string>();
      let done = 0;
      const progress = (p: Omit<IngestProgress, "done" | "total">) => {
        done++;
        options.onProgress?.({ ...p, done, ...(total !== undefined ? { total } : {}) });
      };

      let batch: RagDocument[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const docs = batch;
        batch = [];
        const stored = await store.documentHashes(
          tenant,
          docs.map((d) => d.id),
        );
        const prepared: Prepared[] = [];
        for (const document of docs) {
          const hash = contentHash(document.text, canonicalMetadata(document.metadata));
          if (stored.get(document.id) === hash && !pending.has(document.id)) {
            report.unchanged.push(document.id);
            progress({ documentId: document.id, outcome: "unchanged" });
            continue;
          }
          let records: ChunkRecord[];
          try {
            const chunks = await options.chunker.chunk(document);
            const vectors = await embedder.embed(
              chunks.map((c) => c.text),
              o.call,
            );
            records = chunks.map((c, i) => ({ ...c, vector: vectors[i]!, documentHash: hash }));
          } catch (error) {
            if (!(error instanceof DocumentError) || onError === "throw") throw error;
            report.failed.push({ documentId: document.id, error });
            progress({ documentId: document.id, outcome: "failed", error });
            continue;
          }
          prepared.push({ document, hash, records, outcome: stored.has(document.id) ? "updated" : "added" });
        }
        if (prepared.length === 0) return;
        const ids = prepared.map((p) => p.document.id);
        await journal.begin(tenant, ids);
        await store.upsert(
          tenant,
          prepared.flatMap((p) => p.records),
        );
        await store.deleteStale(
          tenant,
          prepared.map((p) => ({ documentId: p.document.id, documentHash: p.hash })),
        );
        await journal.commit(tenant, ids);
        for (const p of prepared) {
          pending.delete(p.document.id);
          report[p.outcome].push(p.document.id);
          report.chunks += p.records.length;
          progress({ documentId: p.document.id, outcome: p.outcome, chunks: p.records.length });
        }
      };

      for await (const document of documents) {
        try {
          checkDocument(document);
          if (seenIds.has(document.id))
            throw new DocumentError(document.id, "appears twice in this ingestion");
        } catch (error) {
          if (!(error instanceof DocumentError) || onError === "throw") throw error;
          report.failed.push({ documentId: error.documentId, error });
          progress({ documentId: error.documentId, outcome: "failed", error });
          continue;
        }
        seenIds.add(document.id);
        const content = contentHash(document.text);
        const same = seenContent.get(content);
        if (dedupe && same !== undefined) {
          report.duplicates.push({ documentId: document.id, sameAs: same });
          progress({ documentId: document.id, outcome: "duplicate" });
          continue;
        }
        seenContent.set(content, document.id);
        batch.push(document);
        if (batch.length >= batchSize) await flush();
      }
      await flush();

      if (o.deleteMissing) {
        const missing = new Set<string>();
        let after: string | undefined;
        for (;;) {
          const page = await store.list(tenant, { limit: 1000, ...(after ? { after } : {}) });
          if (page.length === 0) break;
          for (const c of page) if (!seenIds.has(c.documentId)) missing.add(c.documentId);
          after = page.at(-1)!.id;
        }
        // A duplicate is not indexed under its own id, so an earlier indexing of it goes too.
        for (const d of report.duplicates) missing.add(d.documentId);
        const gone = [...missing];
        if (gone.length > 0) {
          await journal.begin(tenant, gone);
          await store.deleteDocuments(tenant, gone);
          await journal.commit(tenant, gone);
          for (const id of gone) {
            report.deleted.push(id);
            progress({ documentId: id, outcome: "deleted" });
          }
        }
      }
      return report;
    },
  };
}
