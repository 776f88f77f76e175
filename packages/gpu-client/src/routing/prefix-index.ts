import { LRUCache } from "lru-cache";

/**
 * An approximate, per-endpoint index of the prompt prefixes each endpoint has been sent, built
 * from routing history alone (no tokenizer, no engine events), as the Gateway API Inference
 * Extension's prefix plugin and SGLang's router do. Each endpoint keeps an LRU of block hashes
 * sized to its KV cache, so what the index believes cached ages out as the server's cache would.
 */
export class PrefixIndex {
  readonly #byEndpoint = new Map<string, LRUCache<number, true>>();
  readonly #capacity: (endpoint: string) => number;

  /** `capacity(endpoint)`: how many blocks the endpoint's cache holds (its `num_gpu_blocks`). */
  constructor(capacity: (endpoint: string) => number) {
    this.#capacity = capacity;
  }

  /** How many leading blocks of `hashes` the endpoint is believed to hold. */
  match(endpoint: string, hashes: readonly number[]): number {
    const lru = this.#byEndpoint.get(endpoint);
    if (!lru) return 0;
    let n = 0;
    // `has` does not refresh recency: only a routed request does.
    for (const hash of hashes) {
      if (!lru.has(hash)) break;
      n++;
    }
    return n;
  }

  /**
   * Records that the endpoint took a request with this prompt. Blocks are recorded last block
   * first, so a prompt's head is its most recent entry and ages out last: vLLM frees a finished
   * sequence's blocks tail first for the same reason, and a prefix matches only while its first
   * block is held (recording head first let the index forget prefixes the engine still held).
   */
  record(endpoint: string, hashes: readonly number[]): void {
    let lru = this.#byEndpoint.get(endpoint);
    if (!lru) {
      lru = new LRUCache<number, true>({ max: Math.max(1, Math.floor(this.#capacity(endpoint))) });
      this.#byEndpoint.set(endpoint, lru);
    }
    // Stryker disable next-line BooleanLiteral: the value is never read; the index only asks has()
    for (let i = hashes.length - 1; i >= 0; i--) lru.set(hashes[i]!, true);
  }

  /** Forgets an endpoint's entries (its cache is gone). */
  forget(endpoint: string): void {
    this.#byEndpoint.delete(endpoint);
  }

  /** Blocks recorded for an endpoint. */
  size(endpoint: string): number {
    return this.#byEndpoint.get(endpoint)?.size ?? 0;
  }
}
