import { InvalidRequestError } from "@keel/core";
import { type ChunkStore, MemoryStore } from "@keel/rag";

export type StoreKind = "memory" | "pgvector" | "qdrant";

export interface StoreSettings {
  kind: StoreKind;
  dimensions: number;
  /** pgvector: a PostgreSQL URL. */
  postgresUrl: string;
  /** pgvector: table (and schema); Qdrant: collection. */
  name: string;
  schema?: string;
  /** Qdrant: the server's URL. */
  qdrantUrl: string;
}

/** Fails with a message that says what to install when an optional driver is missing. */
async function requirePackage(name: string, flag: string): Promise<void> {
  try {
    await import(name);
  } catch {
    throw new InvalidRequestError(`--store ${flag} needs the ${name} package: npm i ${name}`);
  }
}

/** The chunk store a flag asks for; drivers (pg, the Qdrant client) load only when asked. */
export async function openStore(settings: StoreSettings): Promise<ChunkStore> {
  const { kind, dimensions } = settings;
  if (kind === "memory") return new MemoryStore({ dimensions });
  if (kind === "pgvector") {
    await requirePackage("pg", kind);
    const { PgVectorStore } = await import("@keel/rag/node");
    return new PgVectorStore({
      connectionString: settings.postgresUrl,
      table: settings.name,
      ...(settings.schema ? { schema: settings.schema } : {}),
      dimensions,
    });
  }
  if (kind === "qdrant") {
    await requirePackage("@qdrant/js-client-rest", kind);
    const { QdrantStore } = await import("@keel/rag/node");
    return new QdrantStore({
      url: settings.qdrantUrl,
      collection: settings.name,
      dimensions,
      maxAttempts: 1,
    });
  }
  throw new InvalidRequestError(`--store must be memory, pgvector or qdrant, got "${String(kind)}"`);
}
