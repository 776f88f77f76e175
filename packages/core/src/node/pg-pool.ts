// The part of a `pg` Pool that the PostgreSQL and pgvector stores (@keel/memory, @keel/rag) use, described structurally so that the
// published declarations need neither pg nor its types: a `pg.Pool` satisfies it as it is.

/** What a query resolves to (`pg`'s `QueryResult`, the fields the stores read). */
export interface PgQueryResult<R = any> {
  rows: R[];
  rowCount: number | null;
}

/** A connection checked out of a pool (`pg`'s `PoolClient`). */
export interface PgPoolClientLike {
  query<R = any>(text: string, values?: unknown[]): Promise<PgQueryResult<R>>;
  /** Returns the connection to the pool; with an error, the pool discards it. */
  release(error?: Error | boolean): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** A connection pool (`pg`'s `Pool`). */
export interface PgPoolLike {
  query<R = any>(text: string, values?: unknown[]): Promise<PgQueryResult<R>>;
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}
