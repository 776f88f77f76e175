import type { MetadataFilter } from "@keel/core/search";
import type { Chunk, ChunkRecord } from "../types.js";

/** What every store search takes: the tenant (always), how many hits, and a metadata filter. */
export interface StoreSearchOptions {
  /** Only this tenant's chunks are searched; stores enforce it in the query itself. */
  tenant: string;
  k: number;
  /** Metadata filter (`@keel/core/search` syntax); `documentId` is always filterable. */
  filter?: MetadataFilter;
  signal?: AbortSignal;
}

/** A chunk found by a store and its score there (higher is better). */
export interface StoreHit {
  chunk: Chunk;
  score: number;
}

/** A hit from a store's own hybrid search, with what each side said when the store reports it. */
export interface HybridStoreHit extends StoreHit {
  vector?: { rank: number; score: number };
  keyword?: { rank: number; score: number };
}

/** How a store fuses its dense and keyword results server-side. */
export type ServerFusion = "rrf" | "dbsf";

/**
 * Where chunks and their vectors live: in memory, PostgreSQL with pgvector, or Qdrant. Every
 * method is scoped to one tenant; no call ever reads or changes another tenant's chunks.
 */
export interface ChunkStore {
  /** A short name for telemetry (`retrieval.finished`'s `source`). */
  readonly name: string;
  /** Inserts chunks, replacing any with the same id. */
  upsert(tenant: string, records: readonly ChunkRecord[]): Promise<void>;
  /** Removes every chunk of the given documents; resolves to how many were removed. */
  deleteDocuments(tenant: string, documentIds: readonly string[]): Promise<number>;
  /**
   * Removes the chunks of each given document whose `documentHash` differs from the given one:
   * what is left of an earlier version after the new version's chunks were upserted.
   */
  deleteStale(
    tenant: string,
    documents: ReadonlyArray<{ documentId: string; documentHash: string }>,
  ): Promise<number>;
  /** For each given document that the store holds, the hash of the text its chunks came from. */
  documentHashes(tenant: string, documentIds: readonly string[]): Promise<Map<string, string>>;
  /** Nearest chunks to a vector. */
  searchVector(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]>;
  /** Best keyword (BM25 or full-text) matches for a query, where the store has a keyword index. */
  searchText?(query: string, options: StoreSearchOptions): Promise<StoreHit[]>;
  /** Dense and keyword search fused inside the store (Qdrant's Query API), where it can. */
  searchHybrid?(
    query: { text: string; vector: Float32Array },
    options: StoreSearchOptions & { fusion: ServerFusion; candidates: number },
  ): Promise<HybridStoreHit[]>;
  /** A tenant's chunks in a stable order, a page at a time (`after` is the last chunk id of the previous page). */
  list(tenant: string, options?: { documentId?: string; limit?: number; after?: string }): Promise<Chunk[]>;
  /** How many chunks a tenant has. */
  count(tenant: string): Promise<number>;
  /** Releases connections. */
  close?(): Promise<void>;
}
