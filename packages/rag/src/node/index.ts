export { fileIngestJournal } from "./file-journal.js";
export { loadDirectory, loadFile } from "./file-loader.js";
export { PgVectorStore, type PgVectorStoreOptions, pgError } from "./pgvector-store.js";
export { ingestProgressBar } from "./progress-bar.js";
export { type QdrantFilter, qdrantFilter } from "./qdrant-filter.js";
export { pointId, QdrantStore, type QdrantStoreOptions, qdrantError } from "./qdrant-store.js";
export { loadSnapshot, saveSnapshot } from "./snapshot.js";
export { type SparseOptions, type SparseVector, sparseEncoder, termId } from "./sparse-terms.js";
export { sqlFilter } from "./sql-filter.js";
