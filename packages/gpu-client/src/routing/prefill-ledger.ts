/**
 * The prompt tokens each endpoint still has to prefill for this client, as Dynamo's router keeps
 * them (its "potential prefill tokens": added when a request is routed, dropped when its first
 * token arrives). A policy records, per endpoint and in routing order, the uncached prompt tokens
 * it expected a request to cost there; the endpoint's `prefilling` count (requests sent and not
 * yet past their first token) then says how many of the latest records are still ahead of a new
 * request. That holds because engines admit and prefill in arrival order (vLLM's and SGLang's FCFS
 * schedulers), so first tokens come back oldest first.
 */
export class PrefillLedger {
  readonly #byEndpoint = new Map<string, number[]>();
  readonly #keep: number;

  /** `keep`: records kept per endpoint (older ones have long had their first token). */
  constructor(keep = 4096) {
    this.#keep = keep;
  }

  /** Records that a request expected to prefill `tokens` uncached tokens was sent to the endpoint. */
  record(endpoint: string, tokens: number): void {
    let list = this.#byEndpoint.get(endpoint);
    if (!list) {
      list = [];
      this.#byEndpoint.set(endpoint, list);
    }
    list.push(tokens);
    if (list.length > 2 * this.#keep) list.splice(0, list.length - this.#keep);
  }

  /** Uncached prompt tokens of the endpoint's latest `prefilling` requests: the prefill work queued there. */
  pending(endpoint: string, prefilling: number): number {
    const list = this.#byEndpoint.get(endpoint);
    if (!list) return 0;
    let sum = 0;
    for (let i = list.length - 1; i >= Math.max(0, list.length - prefilling); i--) sum += list[i]!;
    return sum;
  }

  /** Forgets an endpoint's records (it restarted: nothing of ours is queued there). */
  forget(endpoint: string): void {
    this.#byEndpoint.delete(endpoint);
  }
}
