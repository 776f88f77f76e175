/** Where computed embeddings are kept, keyed by content hash and model. */
export interface EmbeddingCache {
  get(key: string): Promise<Float32Array | undefined>;
  set(key: string, vector: Float32Array): Promise<void>;
}

/** An in-process embedding cache that drops the least recently used entry beyond `maxEntries` (default 50,000). */
export function memoryEmbeddingCache(
  options: { maxEntries?: number } = {},
): EmbeddingCache & { readonly size: number } {
  const max = options.maxEntries ?? 50_000;
  const map = new Map<string, Float32Array>();
  return {
    get size() {
      return map.size;
    },
    async get(key) {
      const v = map.get(key);
      if (v !== undefined) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    async set(key, vector) {
      map.delete(key);
      map.set(key, vector);
      while (map.size > max) map.delete(map.keys().next().value!);
    },
  };
}
