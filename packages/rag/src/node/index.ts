export { PgVectorStore, type PgVectorStoreOptions, pgError } from "./pgvector-store.js";
export { sqlFilter } from "./sql-filter.js";
