/**
 * The client's view of one endpoint's LoRA slots: which adapters it sent requests for, when last,
 * and how many of those are still in flight; which unloads and loads it has under way. The fleet
 * keeps an endpoint at most at its slot count by unloading the least recently used idle adapter
 * before it loads a new one (vLLM keeps every adapter loaded through `/v1/load_lora_adapter`
 * registered until `/v1/unload_lora_adapter`; the client is the one that knows which it still needs).
 */
export class AdapterSlots {
  /** Slots configured for the endpoint (`maxAdapters`); undefined to follow the scrape. */
  readonly configured: number | undefined;
  readonly #lastUsed = new Map<string, number>();
  readonly #inflight = new Map<string, number>();
  /** Adapters being unloaded now (not candidates again) and loads under way (they take a slot). */
  readonly unloading = new Set<string>();
  loading = 0;

  constructor(configured: number | undefined) {
    this.configured = configured;
  }

  /** A request for `adapter` was sent at `now`; call the returned function when it ends. */
  use(adapter: string, now: number): () => void {
    this.#lastUsed.set(adapter, now);
    this.#inflight.set(adapter, (this.#inflight.get(adapter) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inflight.set(adapter, (this.#inflight.get(adapter) ?? 1) - 1);
    };
  }

  /** The slot count: configured, else the scraped one (vLLM's `max_lora`); undefined means no limit known. */
  limit(scraped: number | undefined): number | undefined {
    return this.configured ?? scraped;
  }

  /** True when one more adapter fits without unloading one. */
  hasFreeSlot(loaded: ReadonlySet<string>, scraped: number | undefined): boolean {
    const limit = this.limit(scraped);
    return limit === undefined || loaded.size - this.unloading.size + this.loading < limit;
  }

  /**
   * The adapter to unload to make room: among those loaded, not in flight from this client, not
   * running on the server by its last scrape (`running`), and not already being unloaded, the one
   * this client used least recently (one it never used counts as oldest). Undefined when every
   * loaded adapter is busy.
   */
  victim(loaded: ReadonlySet<string>, running: readonly string[] = []): string | undefined {
    let best: string | undefined;
    let bestAt = Infinity;
    for (const name of loaded) {
      if ((this.#inflight.get(name) ?? 0) > 0 || running.includes(name) || this.unloading.has(name)) continue;
      const at = this.#lastUsed.get(name) ?? -Infinity;
      if (at < bestAt) {
        best = name;
        bestAt = at;
      }
    }
    return best;
  }

  /** When this client last sent a request for `adapter`; undefined when never. */
  lastUsed(adapter: string): number | undefined {
    return this.#lastUsed.get(adapter);
  }

  /** Forgets an adapter the endpoint no longer holds. */
  forget(adapter: string): void {
    this.#lastUsed.delete(adapter);
    this.#inflight.delete(adapter);
  }
}
