export { defaultEmbedder } from "./default-embedder.js";
export { createEmbedder, type Embedder, type EmbedderOptions } from "./embedder.js";
export { type EmbeddingCache, memoryEmbeddingCache } from "./embedding-cache.js";
