import type { EmbeddingModel } from "@keel/core";
import { lexicalEmbedder } from "@keel/core/cache";

/**
 * The embedded default: core's lexical embedder (hashed stemmed words and word pairs, 512
 * dimensions). It needs no download and no key, and it is lexical, not semantic: it matches
 * shared words, knows no synonyms, and ranks below BM25 on real collections (see the README's
 * SciFact figures). Use a real embedding model (OpenAI, Gemini, TEI) for semantic search.
 */
export function defaultEmbedder(options: { dimensions?: number } = {}): EmbeddingModel {
  return lexicalEmbedder({ dimensions: options.dimensions ?? 512 });
}
