import { InvalidRequestError } from "@keel/core";
import type { PgPoolClientLike, PgPoolLike } from "@keel/core/node";
import { optionalPeer } from "@keel/core/provider";
import type { Metric } from "@keel/core/search";
import { StoreUnavailableError } from "../errors.js";
import { checkRecords, checkTenant } from "../stores/check-records.js";
import type { ChunkStore, StoreHit, StoreSearchOptions } from "../stores/chunk-store.js";
import type { Chunk, ChunkRecord } from "../types.js";
import { sqlFilter } from "./sql-filter.js";

const pgPeer = optionalPeer("pg", "@keel/rag/node (PgVectorStore)", () => import("pg"));

/** Options of the pgvector store. */
export interface PgVectorStoreOptions {
  /** A `pg` Pool or any pool with the methods `PgPoolLike` lists (the store never ends it), or a connection string (the store opens and ends its own). */
  pool?: PgPoolLike;
  connectionString?: string;
  /** Table name (letters, digits, underscores); created on first use. */
  table: string;
  /** Schema of the table. Default "public". */
  schema?: string;
  dimensions: number;
  /** Default "cosine". */
  metric?: Metric;
  /** Approximate index on the vectors: "hnsw" (default), "ivfflat", or "none" for exact scans. */
  index?: "hnsw" | "ivfflat" | "none";
  hnsw?: { m?: number; efConstruction?: number; efSearch?: number };
  /** IVFFlat lists (default 100) and probes per query (default 10). Build it after loading data (`rebuildIndex`). */
  ivfflat?: { lists?: number; probes?: number };
  /** PostgreSQL text search configuration for keyword search. Default "english". */
  textSearchConfig?: string;
  /** Metadata fields filters may name (`documentId` always may); a filter on any other is refused. */
  metadataFields?: readonly string[];
  /** Chunks per INSERT statement. Default 500. */
  batchSize?: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const UNAVAILABLE = /^(08|53|57P0|58)/;

const OPS: Record<Metric, { op: string; opclass: string; score: (d: string) => string }> = {
  cosine: { op: "<=>", opclass: "vector_cosine_ops", score: (d) => `1 - (${d})` },
  dot: { op: "<#>", opclass: "vector_ip_ops", score: (d) => `-(${d})` },
  euclidean: { op: "<->", opclass: "vector_l2_ops", score: (d) => `-(${d})` },
};

function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v).join(",")}]`;
}

/** Maps a pg failure to a typed error: connection trouble is `StoreUnavailableError` (retryable). */
export function pgError(error: unknown): unknown {
  if (error instanceof InvalidRequestError || error instanceof StoreUnavailableError) return error;
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = (error as Error)?.message ?? String(error);
  if (
    UNAVAILABLE.test(code) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /Connection terminated|connection error|Client was closed|Cannot use a pool after calling end|timeout exceeded when trying to connect/i.test(
      message,
    )
  )
    return new StoreUnavailableError("pgvector", `PostgreSQL unavailable: ${message}`, { cause: error });
  if (code === "22000" && /dimensions/.test(message))
    return new InvalidRequestError(`pgvector: ${message}`, { cause: error });
  return error;
}

interface Row {
  id: string;
  document_id: string;
  text: string;
  start_pos: number;
  end_pos: number;
  heading_path: string[];
  chunk_index: number;
  metadata: Record<string, unknown>;
  score: number;
}

const COLUMNS = "id, document_id, text, start_pos, end_pos, heading_path, chunk_index, metadata";

function toChunk(r: Row): Chunk {
  return {
    id: r.id,
    documentId: r.document_id,
    text: r.text,
    start: r.start_pos,
    end: r.end_pos,
    headingPath: r.heading_path,
    index: r.chunk_index,
    metadata: r.metadata as Chunk["metadata"],
  };
}

/**
 * Chunks in PostgreSQL with the pgvector extension: one table (tenant, chunk id) with the vector,
 * a generated `tsvector` for full-text keyword search, an HNSW or IVFFlat index, metadata as
 * `jsonb` with filters translated to SQL and applied inside the query (pgvector's iterative
 * index scans keep filtered searches returning k rows). Every statement is scoped by tenant.
 */
export class PgVectorStore implements ChunkStore {
  readonly name = "pgvector";
  readonly dimensions: number;
  readonly metric: Metric;
  private readonly options: PgVectorStoreOptions;
  private readonly table: string;
  private readonly fields: ReadonlySet<string>;
  private pool: Promise<PgPoolLike> | undefined;
  private ownsPool = false;
  private ready: Promise<void> | undefined;

  constructor(options: PgVectorStoreOptions) {
    if (!options?.pool && !options?.connectionString)
      throw new InvalidRequestError("PgVectorStore: give a pg Pool or a connectionString");
    if (!NAME.test(options.table ?? ""))
      throw new InvalidRequestError(`PgVectorStore: table "${options.table}" is not a plain SQL name`);
    const schema = options.schema ?? "public";
    if (!NAME.test(schema))
      throw new InvalidRequestError(`PgVectorStore: schema "${schema}" is not a plain SQL name`);
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1 || options.dimensions > 16000)
      throw new InvalidRequestError(
        `PgVectorStore: dimensions must be an integer in [1, 16000], got ${options.dimensions}`,
      );
    this.options = { ...options };
    this.dimensions = options.dimensions;
    this.metric = options.metric ?? "cosine";
    if (!OPS[this.metric])
      throw new InvalidRequestError(`PgVectorStore: unknown metric ${String(this.metric)}`);
    this.table = `"${schema}"."${options.table}"`;
    this.fields = new Set([...(options.metadataFields ?? []), "documentId"]);
  }

  private open(): Promise<PgPoolLike> {
    this.pool ??= (async () => {
      if (this.options.pool) return this.options.pool;
      const { default: pg } = await pgPeer.load();
      const pool = new pg.Pool({ connectionString: this.options.connectionString, max: 4 });
      pool.on("error", () => {});
      this.ownsPool = true;
      return pool;
    })();
    return this.pool;
  }

  /** Runs work on one connection inside a transaction, mapping failures to typed errors. */
  private async tx<R>(work: (client: PgPoolClientLike) => Promise<R>): Promise<R> {
    await this.migrate();
    return this.run(work);
  }

  private async run<R>(work: (client: PgPoolClientLike) => Promise<R>): Promise<R> {
    let client: PgPoolClientLike;
    try {
      client = await (await this.open()).connect();
    } catch (error) {
      throw pgError(error);
    }
    let broken: unknown;
    const onError = (e: unknown) => {
      broken = e;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((e) => {
        broken = e;
      });
      throw pgError(error);
    } finally {
      client.off("error", onError);
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** Creates the extension, table and indexes if missing; checks an existing table's dimensions. */
  migrate(): Promise<void> {
    this.ready ??= this.run(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [this.table]);
      const has = await c.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
      if (has.rowCount === 0) await c.query("CREATE EXTENSION IF NOT EXISTS vector");
      const config = this.options.textSearchConfig ?? "english";
      if (!NAME.test(config))
        throw new InvalidRequestError(`PgVectorStore: textSearchConfig "${config}" is not a plain name`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
        tenant text NOT NULL,
        id text NOT NULL,
        document_id text NOT NULL,
        text text NOT NULL,
        start_pos integer NOT NULL,
        end_pos integer NOT NULL,
        heading_path jsonb NOT NULL,
        chunk_index integer NOT NULL,
        metadata jsonb NOT NULL,
        document_hash text NOT NULL,
        embedding vector(${this.dimensions}) NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('${config}', text)) STORED,
        PRIMARY KEY (tenant, id))`);
      const dims = await c.query(
        `SELECT atttypmod FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'`,
        [this.table],
      );
      if (dims.rows[0] && Number(dims.rows[0].atttypmod) !== this.dimensions)
        throw new InvalidRequestError(
          `PgVectorStore: table ${this.table} holds ${dims.rows[0].atttypmod}-dimension vectors, not ${this.dimensions}`,
        );
      const base = this.options.table;
      await c.query(`CREATE INDEX IF NOT EXISTS "${base}_doc" ON ${this.table} (tenant, document_id)`);
      await c.query(`CREATE INDEX IF NOT EXISTS "${base}_tsv" ON ${this.table} USING gin (tsv)`);
      await c.query(this.vectorIndexSql(false));
    }).catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private vectorIndexSql(replace: boolean): string {
    const kind = this.options.index ?? "hnsw";
    const name = `"${this.options.table}_vec"`;
    if (kind === "none") return "SELECT 1";
    const opclass = OPS[this.metric].opclass;
    const ifNot = replace ? "" : "IF NOT EXISTS ";
    if (kind === "hnsw") {
      const m = this.options.hnsw?.m ?? 16;
      const ef = this.options.hnsw?.efConstruction ?? 64;
      return `CREATE INDEX ${ifNot}${name} ON ${this.table} USING hnsw (embedding ${opclass}) WITH (m = ${Number(m)}, ef_construction = ${Number(ef)})`;
    }
    const lists = this.options.ivfflat?.lists ?? 100;
    return `CREATE INDEX ${ifNot}${name} ON ${this.table} USING ivfflat (embedding ${opclass}) WITH (lists = ${Number(lists)})`;
  }

  /** Drops and rebuilds the vector index (IVFFlat learns its lists from the rows present, so build it after loading). */
  async rebuildIndex(): Promise<void> {
    await this.tx(async (c) => {
      const schema = this.options.schema ?? "public";
      await c.query(`DROP INDEX IF EXISTS "${schema}"."${this.options.table}_vec"`);
      await c.query(this.vectorIndexSql(true));
    });
  }

  async upsert(tenant: string, records: readonly ChunkRecord[]): Promise<void> {
    checkTenant(tenant, "PgVectorStore.upsert");
    checkRecords(
      records,
      this.dimensions,
      this.options.metadataFields ? new Set(this.options.metadataFields) : undefined,
    );
    if (records.length === 0) return;
    const size = this.options.batchSize ?? 500;
    await this.tx(async (c) => {
      for (let from = 0; from < records.length; from += size) {
        const batch = records.slice(from, from + size);
        await c.query(
          `INSERT INTO ${this.table} (tenant, id, document_id, text, start_pos, end_pos, heading_path, chunk_index, metadata, document_hash, embedding)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::jsonb[], $8::int[], $9::jsonb[], $10::text[], $11::vector[])
           ON CONFLICT (tenant, id) DO UPDATE SET document_id = EXCLUDED.document_id, text = EXCLUDED.text,
             start_pos = EXCLUDED.start_pos, end_pos = EXCLUDED.end_pos, heading_path = EXCLUDED.heading_path,
             chunk_index = EXCLUDED.chunk_index, metadata = EXCLUDED.metadata, document_hash = EXCLUDED.document_hash,
             embedding = EXCLUDED.embedding`,
          [
            tenant,
            batch.map((r) => r.id),
            batch.map((r) => r.documentId),
            batch.map((r) => r.text),
            batch.map((r) => r.start),
            batch.map((r) => r.end),
            batch.map((r) => JSON.stringify(r.headingPath)),
            batch.map((r) => r.index),
            batch.map((r) => JSON.stringify(r.metadata ?? {})),
            batch.map((r) => r.documentHash),
            batch.map((r) => vectorLiteral(r.vector)),
          ],
        );
      }
    });
  }

  async deleteDocuments(tenant: string, documentIds: readonly string[]): Promise<number> {
    checkTenant(tenant, "PgVectorStore.deleteDocuments");
    if (documentIds.length === 0) return 0;
    return this.tx(async (c) => {
      const r = await c.query(
        `DELETE FROM ${this.table} WHERE tenant = $1 AND document_id = ANY($2::text[])`,
        [tenant, documentIds],
      );
      return r.rowCount ?? 0;
    });
  }

  async deleteStale(
    tenant: string,
    documents: ReadonlyArray<{ documentId: string; documentHash: string }>,
  ): Promise<number> {
    checkTenant(tenant, "PgVectorStore.deleteStale");
    if (documents.length === 0) return 0;
    return this.tx(async (c) => {
      const r = await c.query(
        `DELETE FROM ${this.table} t USING unnest($2::text[], $3::text[]) AS d(id, hash)
         WHERE t.tenant = $1 AND t.document_id = d.id AND t.document_hash <> d.hash`,
        [tenant, documents.map((d) => d.documentId), documents.map((d) => d.documentHash)],
      );
      return r.rowCount ?? 0;
    });
  }

  async documentHashes(tenant: string, documentIds: readonly string[]): Promise<Map<string, string>> {
    checkTenant(tenant, "PgVectorStore.documentHashes");
    if (documentIds.length === 0) return new Map();
    return this.tx(async (c) => {
      const r = await c.query<{ document_id: string; document_hash: string }>(
        `SELECT DISTINCT ON (document_id) document_id, document_hash FROM ${this.table}
         WHERE tenant = $1 AND document_id = ANY($2::text[]) ORDER BY document_id`,
        [tenant, documentIds],
      );
      return new Map(r.rows.map((row) => [row.document_id, row.document_hash]));
    });
  }

  private where(options: StoreSearchOptions, firstParam: number): { sql: string; params: unknown[] } {
    checkTenant(options?.tenant, "PgVectorStore search");
    if (!Number.isInteger(options.k) || options.k < 1)
      throw new InvalidRequestError(`PgVectorStore search: k must be a positive integer, got ${options.k}`);
    if (!options.filter) return { sql: "", params: [] };
    const f = sqlFilter(options.filter, this.fields, firstParam);
    return { sql: ` AND ${f.sql}`, params: f.params };
  }

  async searchVector(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]> {
    if (vector?.length !== this.dimensions)
      throw new InvalidRequestError(
        `PgVectorStore search: query vector has ${vector?.length} dimensions, expected ${this.dimensions}`,
      );
    if (!Array.from(vector).every(Number.isFinite))
      throw new InvalidRequestError("PgVectorStore search: query vector has a non-finite value");
    const where = this.where(options, 4);
    const { op, score } = OPS[this.metric];
    return this.tx(async (c) => {
      const kind = this.options.index ?? "hnsw";
      if (kind === "hnsw") {
        await c.query(
          `SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(options.k, this.options.hnsw?.efSearch ?? 100))}`,
        );
        await c.query("SET LOCAL hnsw.iterative_scan = strict_order");
      } else if (kind === "ivfflat") {
        await c.query(`SET LOCAL ivfflat.probes = ${Number(this.options.ivfflat?.probes ?? 10)}`);
        await c.query("SET LOCAL ivfflat.iterative_scan = relaxed_order");
      }
      const r = await c.query<Row>(
        `SELECT ${COLUMNS}, ${score(`embedding ${op} $2::vector`)} AS score FROM ${this.table}
         WHERE tenant = $1${where.sql} ORDER BY embedding ${op} $2::vector LIMIT $3`,
        [options.tenant, vectorLiteral(vector), options.k, ...where.params],
      );
      return r.rows.map((row) => ({ chunk: toChunk(row), score: Number(row.score) }));
    });
  }

  /** Full-text keyword search: the query's words OR-ed (`plainto_tsquery` terms), ranked by `ts_rank_cd`. */
  async searchText(query: string, options: StoreSearchOptions): Promise<StoreHit[]> {
    const where = this.where(options, 4);
    const config = this.options.textSearchConfig ?? "english";
    return this.tx(async (c) => {
      const r = await c.query<Row>(
        `WITH q AS (SELECT nullif(replace(plainto_tsquery('${config}', $2)::text, '&', '|'), '')::tsquery AS q)
         SELECT ${COLUMNS}, ts_rank_cd(tsv, q.q) AS score FROM ${this.table}, q
         WHERE tenant = $1 AND q.q IS NOT NULL AND tsv @@ q.q${where.sql} ORDER BY score DESC, id LIMIT $3`,
        [options.tenant, query, options.k, ...where.params],
      );
      return r.rows.map((row) => ({ chunk: toChunk(row), score: Number(row.score) }));
    });
  }

  async list(
    tenant: string,
    options: { documentId?: string; limit?: number; after?: string } = {},
  ): Promise<Chunk[]> {
    checkTenant(tenant, "PgVectorStore.list");
    return this.tx(async (c) => {
      const r = await c.query<Row>(
        `SELECT ${COLUMNS} FROM ${this.table} WHERE tenant = $1 AND ($2::text IS NULL OR document_id = $2)
         AND ($3::text IS NULL OR id > $3) ORDER BY id LIMIT $4`,
        [tenant, options.documentId ?? null, options.after ?? null, options.limit ?? 1000],
      );
      return r.rows.map(toChunk);
    });
  }

  async count(tenant: string): Promise<number> {
    checkTenant(tenant, "PgVectorStore.count");
    return this.tx(async (c) =>
      Number(
        (await c.query(`SELECT count(*) AS n FROM ${this.table} WHERE tenant = $1`, [tenant])).rows[0].n,
      ),
    );
  }

  /** Ends the pool if the store opened it. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.ready = undefined;
    if (pool && this.ownsPool) await (await pool).end();
  }
}
