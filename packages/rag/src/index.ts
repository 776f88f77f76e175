export * from "./chunkers/index.js";
export { contentHash } from "./content-hash.js";
export * from "./embed/index.js";
export { DocumentError, StoreUnavailableError } from "./errors.js";
export * from "./ingest/index.js";
export * from "./loaders/index.js";
export * from "./retrieve/index.js";
export * from "./stores/index.js";
export type { Chunk, Chunker, ChunkRecord, RagDocument } from "./types.js";
