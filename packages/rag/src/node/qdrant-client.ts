// The part of a `QdrantClient` (@qdrant/js-client-rest) that the Qdrant store uses, described
// structurally so that the published declarations need neither the client nor its types: a
// `QdrantClient` satisfies it as it is. Requests are built by the store, so they are plain objects here.

/** A point as a search or scroll returns it (the fields the store reads). */
export interface QdrantPointLike {
  id: string | number;
  score?: number;
  payload?: Record<string, unknown> | null;
}

/** A Qdrant client, as `QdrantStore` uses it (a `QdrantClient` from `@qdrant/js-client-rest` is one). */
export interface QdrantClientLike {
  collectionExists(collection: string): Promise<{ exists: boolean }>;
  createCollection(collection: string, request: object): Promise<unknown>;
  getCollection(collection: string): Promise<{ config: { params: { vectors?: unknown } } }>;
  createPayloadIndex(collection: string, request: object): Promise<unknown>;
  upsert(collection: string, request: object): Promise<unknown>;
  delete(collection: string, request: object): Promise<unknown>;
  count(collection: string, request: object): Promise<{ count: number }>;
  scroll(
    collection: string,
    request: object,
  ): Promise<{ points: QdrantPointLike[]; next_page_offset?: unknown }>;
  query(collection: string, request: object): Promise<{ points: Array<QdrantPointLike & { score: number }> }>;
}
