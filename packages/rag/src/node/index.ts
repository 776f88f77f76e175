export { PgVectorStore, type PgVectorStoreOptions, pgError } from "./pgvector-store.js";
export { type QdrantFilter, qdrantFilter } from "./qdrant-filter.js";
export { pointId, QdrantStore, type QdrantStoreOptions, qdrantError } from "./qdrant-store.js";
export { type SparseOptions, type SparseVector, sparseEncoder, termId } from "./sparse-terms.js";
export { sqlFilter } from "./sql-filter.js";
