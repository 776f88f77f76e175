import { InvalidRequestError } from "@keel/core";
import {
  Bm25Index,
  type Bm25Options,
  filterFields,
  HnswIndex,
  type HnswOptions,
  type Metadata,
  type Metric,
  VectorIndex,
} from "@keel/core/search";
import type { Chunk, ChunkRecord } from "../types.js";
import { checkRecords, checkTenant } from "./check-records.js";
import type { ChunkStore, StoreHit, StoreSearchOptions } from "./chunk-store.js";

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  dimensions: number;
  /** Default "cosine". */
  metric?: Metric;
  /** "exact" (default) scans every vector; "hnsw" uses the approximate index. */
  vectorIndex?: "exact" | "hnsw";
  hnsw?: Omit<HnswOptions, "dimensions" | "metric" | "fields">;
  bm25?: Omit<Bm25Options, "fields">;
  /** Metadata fields chunks may carry and filters may name; without it, fields seen so far. */
  metadataFields?: readonly string[];
}

/** A memory store snapshot (`toJSON`), restorable with `MemoryStore.fromJSON`. */
export interface MemoryStoreJson {
  format: "keel.rag.memory-store";
  version: 1;
  options: MemoryStoreOptions;
  tenants: Record<string, Array<Omit<ChunkRecord, "vector"> & { vector: number[] }>>;
}

interface Tenant {
  bm25: Bm25Index;
  vectors: VectorIndex | HnswIndex;
  chunks: Map<string, ChunkRecord>;
  byDocument: Map<string, Set<string>>;
}

function plainChunk(r: ChunkRecord): Chunk {
  return {
    id: r.id,
    documentId: r.documentId,
    text: r.text,
    start: r.start,
    end: r.end,
    headingPath: [...r.headingPath],
    index: r.index,
    metadata: r.metadata,
  };
}

/**
 * The default store: per-tenant BM25 and vector indexes from `@keel/core/search`, held in this
 * process. Tenants live in separate indexes, so a search can only ever see its own tenant.
 * `toJSON` / `fromJSON` save and load a snapshot.
 */
export class MemoryStore implements ChunkStore {
  readonly name = "memory";
  readonly dimensions: number;
  private readonly options: MemoryStoreOptions;
  private readonly tenants = new Map<string, Tenant>();
  private readonly declared: ReadonlySet<string> | undefined;
  private readonly seenFields = new Set<string>(["documentId"]);

  constructor(options: MemoryStoreOptions) {
    if (!Number.isInteger(options?.dimensions) || options.dimensions < 1)
      throw new InvalidRequestError(
        `MemoryStore: dimensions must be a positive integer, got ${options?.dimensions}`,
      );
    this.options = { ...options };
    this.dimensions = options.dimensions;
    this.declared = options.metadataFields ? new Set(options.metadataFields) : undefined;
  }

  private tenant(name: string, create: boolean): Tenant | undefined {
    let t = this.tenants.get(name);
    if (!t && create) {
      const metric = this.options.metric ?? "cosine";
      t = {
        bm25: new Bm25Index(this.options.bm25 ?? {}),
        vectors:
          this.options.vectorIndex === "hnsw"
            ? new HnswIndex({ ...(this.options.hnsw ?? {}), dimensions: this.dimensions, metric })
            : new VectorIndex({ dimensions: this.dimensions, metric }),
        chunks: new Map(),
        byDocument: new Map(),
      };
      this.tenants.set(name, t);
    }
    return t;
  }

  async upsert(tenant: string, records: readonly ChunkRecord[]): Promise<void> {
    checkTenant(tenant, "MemoryStore.upsert");
    checkRecords(records, this.dimensions, this.declared);
    const t = this.tenant(tenant, true)!;
    for (const r of records) {
      const record: ChunkRecord = {
        ...r,
        vector: Float32Array.from(r.vector),
        headingPath: [...r.headingPath],
      };
      const meta: Metadata = { ...r.metadata, documentId: r.documentId };
      const old = t.chunks.get(r.id);
      if (old && old.documentId !== r.documentId) t.byDocument.get(old.documentId)?.delete(r.id);
      t.vectors.add(r.id, record.vector, meta);
      t.bm25.add(r.id, r.text, meta);
      t.chunks.set(r.id, record);
      const set = t.byDocument.get(r.documentId) ?? new Set<string>();
      t.byDocument.set(r.documentId, set);
      set.add(r.id);
      for (const f of Object.keys(r.metadata)) this.seenFields.add(f);
    }
  }

  async deleteDocuments(tenant: string, documentIds: readonly string[]): Promise<number> {
    checkTenant(tenant, "MemoryStore.deleteDocuments");
    const t = this.tenant(tenant, false);
    if (!t) return 0;
    let removed = 0;
    for (const doc of documentIds) {
      for (const id of t.byDocument.get(doc) ?? []) {
        t.vectors.remove(id);
        t.bm25.remove(id);
        t.chunks.delete(id);
        removed++;
      }
      t.byDocument.delete(doc);
    }
    return removed;
  }

  async deleteStale(
    tenant: string,
    documents: ReadonlyArray<{ documentId: string; documentHash: string }>,
  ): Promise<number> {
    checkTenant(tenant, "MemoryStore.deleteStale");
    const t = this.tenant(tenant, false);
    if (!t) return 0;
    let removed = 0;
    for (const { documentId, documentHash } of documents) {
      const ids = t.byDocument.get(documentId);
      for (const id of [...(ids ?? [])]) {
        if (t.chunks.get(id)!.documentHash === documentHash) continue;
        t.vectors.remove(id);
        t.bm25.remove(id);
        t.chunks.delete(id);
        ids!.delete(id);
        removed++;
      }
      if (ids?.size === 0) t.byDocument.delete(documentId);
    }
    return removed;
  }

  async documentHashes(tenant: string, documentIds: readonly string[]): Promise<Map<string, string>> {
    checkTenant(tenant, "MemoryStore.documentHashes");
    const t = this.tenant(tenant, false);
    const out = new Map<string, string>();
    if (!t) return out;
    for (const doc of documentIds) {
      const first = t.byDocument.get(doc)?.values().next().value;
      if (first !== undefined) out.set(doc, t.chunks.get(first)!.documentHash);
    }
    return out;
  }

  private checkFilter(options: StoreSearchOptions): void {
    checkTenant(options?.tenant, "MemoryStore search");
    if (!options.filter) return;
    const known = this.declared ? new Set([...this.declared, "documentId"]) : this.seenFields;
    for (const f of filterFields(options.filter))
      if (!known.has(f))
        throw new InvalidRequestError(`filter: unknown field "${f}" (known: ${[...known].join(", ")})`);
  }

  async searchVector(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]> {
    this.checkFilter(options);
    const t = this.tenant(options.tenant, false);
    if (!t) return [];
    const hits = t.vectors.search(vector, {
      k: options.k,
      ...(options.filter ? { filter: options.filter } : {}),
    });
    return hits.map((h) => ({ chunk: plainChunk(t.chunks.get(h.id)!), score: h.score }));
  }

  async searchText(query: string, options: StoreSearchOptions): Promise<StoreHit[]> {
    this.checkFilter(options);
    const t = this.tenant(options.tenant, false);
    if (!t) return [];
    const hits = t.bm25.search(query, {
      k: options.k,
      ...(options.filter ? { filter: options.filter } : {}),
    });
    return hits.map((h) => ({ chunk: plainChunk(t.chunks.get(h.id)!), score: h.score }));
  }

  async list(
    tenant: string,
    options: { documentId?: string; limit?: number; after?: string } = {},
  ): Promise<Chunk[]> {
    checkTenant(tenant, "MemoryStore.list");
    const t = this.tenant(tenant, false);
    if (!t) return [];
    const ids = options.documentId ? [...(t.byDocument.get(options.documentId) ?? [])] : [...t.chunks.keys()];
    ids.sort();
    const from = options.after === undefined ? 0 : ids.findIndex((id) => id > options.after!);
    if (from < 0) return [];
    return ids.slice(from, from + (options.limit ?? 1000)).map((id) => plainChunk(t.chunks.get(id)!));
  }

  async count(tenant: string): Promise<number> {
    checkTenant(tenant, "MemoryStore.count");
    return this.tenant(tenant, false)?.chunks.size ?? 0;
  }

  /** A snapshot of every tenant's chunks and vectors as plain JSON. */
  toJSON(): MemoryStoreJson {
    const tenants: MemoryStoreJson["tenants"] = {};
    for (const [name, t] of this.tenants)
      tenants[name] = [...t.chunks.values()].map((r) => ({ ...r, vector: Array.from(r.vector) }));
    return { format: "keel.rag.memory-store", version: 1, options: this.options, tenants };
  }

  /** Rebuilds a store (indexes included) from a `toJSON` snapshot. */
  static async fromJSON(json: MemoryStoreJson): Promise<MemoryStore> {
    if (json?.format !== "keel.rag.memory-store" || json.version !== 1)
      throw new InvalidRequestError("MemoryStore.fromJSON: not a keel.rag.memory-store version 1 snapshot");
    const store = new MemoryStore(json.options);
    for (const [tenant, records] of Object.entries(json.tenants))
      await store.upsert(
        tenant,
        records.map((r) => ({ ...r, vector: Float32Array.from(r.vector) })),
      );
    return store;
  }
}
