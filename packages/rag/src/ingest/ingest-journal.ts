/**
 * Records which documents an ingestion is writing, so a run that died half way (a crash, a
 * SIGKILL) is finished by the next run: documents still marked pending are re-indexed even when
 * their stored hash already matches.
 */
export interface IngestJournal {
  /** Marks documents as being written; must be durable before it resolves. */
  begin(tenant: string, documentIds: readonly string[]): Promise<void>;
  /** Marks them written. */
  commit(tenant: string, documentIds: readonly string[]): Promise<void>;
  /** Documents of a tenant that were begun and never committed. */
  pending(tenant: string): Promise<Set<string>>;
}

/** A journal held in memory: enough where the store is in memory too (both die together). */
export function memoryIngestJournal(): IngestJournal {
  const open = new Map<string, Set<string>>();
  const of = (tenant: string) => {
    const set = open.get(tenant) ?? new Set<string>();
    open.set(tenant, set);
    return set;
  };
  return {
    async begin(tenant, ids) {
      for (const id of ids) of(tenant).add(id);
    },
    async commit(tenant, ids) {
      for (const id of ids) of(tenant).delete(id);
    },
    async pending(tenant) {
      return new Set(of(tenant));
    },
  };
}
