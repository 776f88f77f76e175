export type { CacheKind, CacheMissReason } from "./cache-events.js";
export { customCacheKey, exactCacheKey, semanticScopeKey, tenantKeyPrefix } from "./cache-key.js";
export {
  CACHE_CONTROL_KEY,
  CACHE_THRESHOLD_KEY,
  type CacheMode,
  cacheMode,
  callThreshold,
  uncacheableReason,
} from "./cache-policy.js";
export { type CachedResponse, type CacheEntry, type CacheStore, MemoryCacheStore } from "./cache-store.js";
export { canonicalJson, sha256Hex } from "./canonical-json.js";
export { sameKeyFacts } from "./content-guard.js";
export { type CacheOptions, cache, EXACT_STORE_TIMEOUT_MS } from "./exact-cache.js";
export { lexicalEmbedder } from "./lexical-embedder.js";
export { MemorySemanticStore } from "./memory-semantic-store.js";
export {
  type Breakpoint,
  type PromptCacheOptions,
  placeCacheBreakpoints,
  promptCache,
} from "./prompt-cache.js";
export { sameQuestion } from "./same-question.js";
export {
  DEFAULT_SEMANTIC_THRESHOLD,
  SEMANTIC_STORE_TIMEOUT_MS,
  type SemanticCacheOptions,
  semanticCache,
  semanticPrompt,
} from "./semantic-cache.js";
export { type SemanticEntry, type SemanticMatch, type SemanticStore, unitVector } from "./semantic-store.js";
export type { StoreCallOptions } from "./store-call.js";
