import type { KeelError } from "../errors.js";

/** Which cache produced an event. */
export type CacheKind = "exact" | "semantic";

/** Why a lookup did not produce a hit. */
export type CacheMissReason =
  | "not-found"
  | "bypass"
  | "refresh"
  | "uncacheable-request"
  | "rejected-by-verify";

declare module "../events.js" {
  interface KeelEventMap {
    "cache.hit": {
      kind: CacheKind;
      model: string;
      key: string;
      ageMs: number;
      similarity?: number;
      entryId?: string;
    };
    "cache.miss": {
      kind: CacheKind;
      model: string;
      reason: CacheMissReason;
      key?: string;
      similarity?: number;
    };
    "cache.stored": { kind: CacheKind; model: string; key: string; entryId?: string };
    /** An answer was not stored because answers like it are never cached. */
    "cache.skipped": { kind: CacheKind; model: string; reason: string };
    /**
     * The store or the embedder failed, or gave no answer within the cache's store budget; the
     * call went on without the cache.
     */
    "cache.error": { kind: CacheKind; model: string; operation: "get" | "set" | "embed"; error: KeelError };
  }
}
