import { InvalidRequestError, isKeelError, KeelError, RateLimitedError, TimeoutError } from "@keel/core";
import { optionalPeer } from "@keel/core/provider";
import type { Metric } from "@keel/core/search";
import { contentHash } from "../content-hash.js";
import { StoreUnavailableError } from "../errors.js";
import { checkRecords, checkTenant } from "../stores/check-records.js";
import type {
  ChunkStore,
  HybridStoreHit,
  ServerFusion,
  StoreHit,
  StoreSearchOptions,
} from "../stores/chunk-store.js";
import type { Chunk, ChunkRecord } from "../types.js";
import type { QdrantClientLike } from "./qdrant-client.js";
import { type QdrantFilter, qdrantFilter } from "./qdrant-filter.js";
import { type SparseOptions, sparseEncoder } from "./sparse-terms.js";

const qdrantPeer = optionalPeer(
  "@qdrant/js-client-rest",
  "@keel/rag/node (QdrantStore)",
  () => import("@qdrant/js-client-rest"),
);

/** Options of the Qdrant store. */
export interface QdrantStoreOptions {
  /** A `QdrantClient` from `@qdrant/js-client-rest` (or any client with the methods `QdrantClientLike` lists), or its URL (the store creates the client). */
  client?: QdrantClientLike;
  url?: string;
  apiKey?: string;
  collection: string;
  dimensions: number;
  /** Default "cosine". */
  metric?: Metric;
  /** Metadata fields filters may name; each gets a keyword / integer payload index. `documentId` always may. */
  metadataFields?: readonly string[];
  /** Payload index type per metadata field. Default "keyword". */
  fieldSchemas?: Record<string, "keyword" | "integer" | "float" | "bool">;
  /** Points per upsert request. Default 256. */
  batchSize?: number;
  /** Attempts per request on retryable failures (429, 5xx, network). Default 3. */
  maxAttempts?: number;
  /** BM25 weighting of the sparse vectors. */
  sparse?: SparseOptions;
}

const DENSE = "dense";
const SPARSE = "bm25";
const DISTANCE: Record<Metric, "Cosine" | "Dot" | "Euclid"> = {
  cosine: "Cosine",
  dot: "Dot",
  euclidean: "Euclid",
};

interface Payload {
  tenant: string;
  chunk_id: string;
  document_id: string;
  text: string;
  start: number;
  end: number;
  heading_path: string[];
  chunk_index: number;
  metadata: Record<string, unknown>;
  document_hash: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Qdrant point ids are UUIDs or integers: a UUID-shaped hash of tenant and chunk id. */
export function pointId(tenant: string, chunkId: string): string {
  const h = contentHash("qdrant-point", tenant, chunkId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Maps a Qdrant client failure to a typed error: 429 rate limit, 5xx / network / timeout retryable, 4xx invalid. */
export function qdrantError(error: unknown): KeelError {
  if (isKeelError(error)) return error;
  const e = error as {
    name?: string;
    status?: number;
    message?: string;
    retry_after?: number;
    data?: unknown;
    cause?: unknown;
  };
  const message = e?.message ?? String(error);
  if (e?.name === "QdrantClientResourceExhaustedError")
    return new RateLimitedError(`qdrant: ${message}`, {
      provider: "qdrant",
      cause: error,
      retryAfterMs: (e.retry_after ?? 1) * 1000,
    });
  if (e?.name === "QdrantClientTimeoutError")
    return new TimeoutError(`qdrant: ${message}`, { provider: "qdrant", cause: error });
  const status =
    typeof e?.status === "number"
      ? e.status
      : Number(/Unexpected Response: (\d{3})/.exec(message)?.[1] ?? Number.NaN);
  if (status === 429)
    return new RateLimitedError(`qdrant: ${message}`, { provider: "qdrant", status, cause: error });
  if (status >= 500)
    return new StoreUnavailableError("qdrant", message, { status, cause: error, body: e.data });
  if (status >= 400)
    return new InvalidRequestError(`qdrant: ${message} ${JSON.stringify(e.data ?? "")}`, {
      provider: "qdrant",
      status,
      cause: error,
      body: e.data,
    });
  if (
    e?.name === "TypeError" ||
    /fetch failed|ECONNREFUSED|ECONNRESET|socket|other side closed/i.test(`${message} ${String(e?.cause)}`)
  )
    return new StoreUnavailableError("qdrant", `unreachable: ${message}`, { cause: error });
  return new KeelError(`qdrant: ${message}`, { provider: "qdrant", cause: error });
}

function toChunk(p: Payload): Chunk {
  return {
    id: p.chunk_id,
    documentId: p.document_id,
    text: p.text,
    start: p.start,
    end: p.end,
    headingPath: p.heading_path,
    index: p.chunk_index,
    metadata: p.metadata as Chunk["metadata"],
  };
}

/**
 * Chunks in a Qdrant collection through the official `@qdrant/js-client-rest`: a named dense
 * vector and a named sparse BM25 vector (IDF applied by the server's `modifier: "idf"`), payload
 * indexes on tenant, document and the declared metadata fields, filters translated to Qdrant's,
 * server-side hybrid through the Query API (prefetch both, fuse by RRF or DBSF), and batched
 * upserts retried on 429 / 5xx / network failures. Every request carries the tenant condition.
 */
export class QdrantStore implements ChunkStore {
  readonly name = "qdrant";
  readonly dimensions: number;
  readonly metric: Metric;
  private readonly options: QdrantStoreOptions;
  private readonly fields: ReadonlySet<string>;
  private readonly sparse: ReturnType<typeof sparseEncoder>;
  private client: Promise<QdrantClientLike> | undefined;
  private ready: Promise<void> | undefined;

  constructor(options: QdrantStoreOptions) {
    if (!options?.client && !options?.url)
      throw new InvalidRequestError("QdrantStore: give a QdrantClient or a url");
    if (!/^[A-Za-z0-9_.-]{1,255}$/.test(options.collection ?? ""))
      throw new InvalidRequestError(`QdrantStore: collection "${options.collection}" is not a valid name`);
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1)
      throw new InvalidRequestError(
        `QdrantStore: dimensions must be a positive integer, got ${options.dimensions}`,
      );
    this.options = { ...options };
    this.dimensions = options.dimensions;
    this.metric = options.metric ?? "cosine";
    if (!DISTANCE[this.metric])
      throw new InvalidRequestError(`QdrantStore: unknown metric ${String(this.metric)}`);
    this.fields = new Set([...(options.metadataFields ?? []), "documentId"]);
    this.sparse = sparseEncoder(options.sparse ?? {});
  }

  private api(): Promise<QdrantClientLike> {
    this.client ??= (async () => {
      if (this.options.client) return this.options.client;
      const { QdrantClient } = await qdrantPeer.load();
      return new QdrantClient({
        url: this.options.url!,
        ...(this.options.apiKey ? { apiKey: this.options.apiKey } : {}),
        checkCompatibility: false,
      });
    })();
    return this.client;
  }

  /** Runs a request, retrying retryable failures with exponential backoff (honouring retry-after). */
  private async call<R>(work: (client: QdrantClientLike) => Promise<R>): Promise<R> {
    const attempts = this.options.maxAttempts ?? 3;
    const client = await this.api();
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(client);
      } catch (thrown) {
        const error = qdrantError(thrown);
        if (!error.retryable || attempt >= attempts) throw error;
        await sleep(error.retryAfterMs ?? Math.min(2000, 100 * 2 ** (attempt - 1) * (1 + Math.random())));
      }
    }
  }

  /** Creates the collection (dense + sparse IDF vectors) and payload indexes if missing; checks an existing one's size. */
  migrate(): Promise<void> {
    this.ready ??= (async () => {
      const name = this.options.collection;
      const { exists } = await this.call((c) => c.collectionExists(name));
      if (!exists) {
        await this.call((c) =>
          c.createCollection(name, {
            vectors: { [DENSE]: { size: this.dimensions, distance: DISTANCE[this.metric] } },
            sparse_vectors: { [SPARSE]: { modifier: "idf" } },
          }),
        );
      } else {
        const info = await this.call((c) => c.getCollection(name));
        const vectors = info.config.params.vectors as Record<string, { size?: number }> | undefined;
        const size = vectors?.[DENSE]?.size;
        if (size !== this.dimensions)
          throw new InvalidRequestError(
            `QdrantStore: collection "${name}" has ${size ?? "no"}-dimension "${DENSE}" vectors, not ${this.dimensions}`,
          );
      }
      const indexes: Array<[string, "keyword" | "integer" | "float" | "bool"]> = [
        ["tenant", "keyword"],
        ["document_id", "keyword"],
        ...(this.options.metadataFields ?? []).map(
          (f): [string, "keyword" | "integer" | "float" | "bool"] => [
            `metadata.${f}`,
            this.options.fieldSchemas?.[f] ?? "keyword",
          ],
        ),
      ];
      for (const [field_name, field_schema] of indexes)
        await this.call((c) => c.createPayloadIndex(name, { field_name, field_schema, wait: true }));
    })().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private scope(tenant: string, filter?: StoreSearchOptions["filter"]): QdrantFilter {
    const must: Array<Record<string, unknown>> = [{ key: "tenant", match: { value: tenant } }];
    if (filter) must.push(qdrantFilter(filter, this.fields) as Record<string, unknown>);
    return { must };
  }

  async upsert(tenant: string, records: readonly ChunkRecord[]): Promise<void> {
    checkTenant(tenant, "QdrantStore.upsert");
    checkRecords(
      records,
      this.dimensions,
      this.options.metadataFields ? new Set(this.options.metadataFields) : undefined,
    );
    if (records.length === 0) return;
    await this.migrate();
    const size = this.options.batchSize ?? 256;
    for (let from = 0; from < records.length; from += size) {
      const points = records.slice(from, from + size).map((r) => ({
        id: pointId(tenant, r.id),
        vector: { [DENSE]: Array.from(r.vector), [SPARSE]: this.sparse.document(r.text) },
        payload: {
          tenant,
          chunk_id: r.id,
          document_id: r.documentId,
          text: r.text,
          start: r.start,
          end: r.end,
          heading_path: [...r.headingPath],
          chunk_index: r.index,
          metadata: { ...r.metadata },
          document_hash: r.documentHash,
        } satisfies Payload,
      }));
      // Upserts are idempotent (same point ids), so a retried batch cannot duplicate.
      await this.call((c) => c.upsert(this.options.collection, { wait: true, points }));
    }
  }

  async deleteDocuments(tenant: string, documentIds: readonly string[]): Promise<number> {
    checkTenant(tenant, "QdrantStore.deleteDocuments");
    if (documentIds.length === 0) return 0;
    await this.migrate();
    const filter = {
      must: [
        { key: "tenant", match: { value: tenant } },
        { key: "document_id", match: { any: [...documentIds] } },
      ],
    };
    const { count } = await this.call((c) => c.count(this.options.collection, { filter, exact: true }));
    await this.call((c) => c.delete(this.options.collection, { wait: true, filter }));
    return count;
  }

  async deleteStale(
    tenant: string,
    documents: ReadonlyArray<{ documentId: string; documentHash: string }>,
  ): Promise<number> {
    checkTenant(tenant, "QdrantStore.deleteStale");
    if (documents.length === 0) return 0;
    await this.migrate();
    const filter = {
      must: [{ key: "tenant", match: { value: tenant } }],
      should: documents.map((d) => ({
        must: [{ key: "document_id", match: { value: d.documentId } }],
        must_not: [{ key: "document_hash", match: { value: d.documentHash } }],
      })),
    };
    const { count } = await this.call((c) => c.count(this.options.collection, { filter, exact: true }));
    if (count > 0) await this.call((c) => c.delete(this.options.collection, { wait: true, filter }));
    return count;
  }

  async documentHashes(tenant: string, documentIds: readonly string[]): Promise<Map<string, string>> {
    checkTenant(tenant, "QdrantStore.documentHashes");
    const out = new Map<string, string>();
    if (documentIds.length === 0) return out;
    await this.migrate();
    const filter = {
      must: [
        { key: "tenant", match: { value: tenant } },
        { key: "document_id", match: { any: [...documentIds] } },
      ],
    };
    let offset: string | number | undefined;
    do {
      const page = await this.call((c) =>
        c.scroll(this.options.collection, {
          filter,
          limit: 256,
          with_payload: ["document_id", "document_hash"],
          with_vector: false,
          ...(offset !== undefined ? { offset } : {}),
        }),
      );
      for (const p of page.points) {
        const payload = p.payload as Pick<Payload, "document_id" | "document_hash">;
        out.set(payload.document_id, payload.document_hash);
      }
      offset = (page.next_page_offset ?? undefined) as string | number | undefined;
    } while (offset !== undefined && out.size < documentIds.length);
    return out;
  }

  private checkSearch(options: StoreSearchOptions): void {
    checkTenant(options?.tenant, "QdrantStore search");
    if (!Number.isInteger(options.k) || options.k < 1)
      throw new InvalidRequestError(`QdrantStore search: k must be a positive integer, got ${options.k}`);
  }

  private checkVector(vector: Float32Array): number[] {
    if (vector?.length !== this.dimensions)
      throw new InvalidRequestError(
        `QdrantStore search: query vector has ${vector?.length} dimensions, expected ${this.dimensions}`,
      );
    const out = Array.from(vector);
    if (!out.every(Number.isFinite))
      throw new InvalidRequestError("QdrantStore search: query vector has a non-finite value");
    return out;
  }

  async searchVector(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]> {
    this.checkSearch(options);
    const query = this.checkVector(vector);
    const filter = this.scope(options.tenant, options.filter);
    await this.migrate();
    const r = await this.call((c) =>
      c.query(this.options.collection, { query, using: DENSE, filter, limit: options.k, with_payload: true }),
    );
    // Qdrant scores Euclid by distance (lower is nearer); Keel's scores are higher-is-better.
    const sign = this.metric === "euclidean" ? -1 : 1;
    return r.points.map((p) => ({ chunk: toChunk(p.payload as unknown as Payload), score: sign * p.score }));
  }

  /** Keyword search on the sparse BM25 vectors, IDF applied by the server. */
  async searchText(query: string, options: StoreSearchOptions): Promise<StoreHit[]> {
    this.checkSearch(options);
    const sparse = this.sparse.query(query);
    if (sparse.indices.length === 0) return [];
    const filter = this.scope(options.tenant, options.filter);
    await this.migrate();
    const r = await this.call((c) =>
      c.query(this.options.collection, {
        query: sparse,
        using: SPARSE,
        filter,
        limit: options.k,
        with_payload: true,
      }),
    );
    return r.points.map((p) => ({ chunk: toChunk(p.payload as unknown as Payload), score: p.score }));
  }

  /** Dense and BM25 prefetches fused by the server (Query API, RRF or DBSF). */
  async searchHybrid(
    query: { text: string; vector: Float32Array },
    options: StoreSearchOptions & { fusion: ServerFusion; candidates: number },
  ): Promise<HybridStoreHit[]> {
    this.checkSearch(options);
    if (options.fusion !== "rrf" && options.fusion !== "dbsf")
      throw new InvalidRequestError(
        `QdrantStore: fusion must be "rrf" or "dbsf", got ${String(options.fusion)}`,
      );
    const dense = this.checkVector(query.vector);
    const sparse = this.sparse.query(query.text);
    const filter = this.scope(options.tenant, options.filter);
    const prefetch = [
      { query: dense, using: DENSE, filter, limit: options.candidates },
      ...(sparse.indices.length ? [{ query: sparse, using: SPARSE, filter, limit: options.candidates }] : []),
    ];
    await this.migrate();
    const r = await this.call((c) =>
      c.query(this.options.collection, {
        prefetch,
        query: { fusion: options.fusion },
        filter,
        limit: options.k,
        with_payload: true,
      }),
    );
    return r.points.map((p) => ({ chunk: toChunk(p.payload as unknown as Payload), score: p.score }));
  }

  async list(
    tenant: string,
    options: { documentId?: string; limit?: number; after?: string } = {},
  ): Promise<Chunk[]> {
    checkTenant(tenant, "QdrantStore.list");
    await this.migrate();
    const must: Array<Record<string, unknown>> = [{ key: "tenant", match: { value: tenant } }];
    if (options.documentId) must.push({ key: "document_id", match: { value: options.documentId } });
    // Qdrant pages by point id; `after` is a chunk id, so the page starts after that chunk's point.
    const offset = options.after ? pointId(tenant, options.after) : undefined;
    const limit = options.limit ?? 1000;
    const page = await this.call((c) =>
      c.scroll(this.options.collection, {
        filter: { must },
        limit: limit + (offset ? 1 : 0),
        with_payload: true,
        with_vector: false,
        ...(offset ? { offset } : {}),
      }),
    );
    const chunks = page.points.map((p) => toChunk(p.payload as unknown as Payload));
    return (offset && chunks[0]?.id === options.after ? chunks.slice(1) : chunks).slice(0, limit);
  }

  async count(tenant: string): Promise<number> {
    checkTenant(tenant, "QdrantStore.count");
    await this.migrate();
    const r = await this.call((c) =>
      c.count(this.options.collection, {
        filter: { must: [{ key: "tenant", match: { value: tenant } }] },
        exact: true,
      }),
    );
    return r.count;
  }
}
