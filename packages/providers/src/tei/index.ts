export { type TeiEmbeddingSettings, teiEmbedding } from "./tei-embedding.js";
