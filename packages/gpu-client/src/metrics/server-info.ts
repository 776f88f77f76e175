/**
 * What a server says about its own limits, from the routes that say it where `/metrics` does not:
 * TGI's `GET /info`, llama.cpp's `GET /props` (or `GET /slots`). vLLM and SGLang report their KV
 * geometry in `/metrics` (`cache_config_info`) instead.
 */
export interface ServerInfo {
  /** Tokens the KV cache holds across all requests. */
  kvCapacityTokens?: number;
  /** Most tokens (prompt + output) one request may use. */
  maxRequestTokens?: number;
  /** Most prompt tokens one request may send. */
  maxInputTokens?: number;
  /** Requests the server takes at once before it refuses (TGI answers 429 above this). */
  maxConcurrent?: number;
  /** Parallel sequence slots (llama.cpp `--parallel`); requests beyond them wait on the server. */
  slots?: number;
  /** The route it came from. */
  source: "/info" | "/props" | "/slots";
}

const count = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;

/**
 * TGI's `/info` (router `Info`): `max_total_tokens` (per request), `max_input_tokens` (2.x; 1.x
 * `max_input_length`), `max_concurrent_requests`, and in 1.x routers `max_batch_total_tokens`,
 * the tokens its paged KV cache holds, which 2.x and later no longer report (then the capacity
 * stays unknown: `max_total_tokens` is one request's limit, not the cache's).
 */
export function tgiInfo(body: unknown): ServerInfo | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const info: ServerInfo = { source: "/info" };
  const set = (key: keyof Omit<ServerInfo, "source">, value: unknown) => {
    const n = count(value);
    if (n !== undefined) info[key] = n;
  };
  set("kvCapacityTokens", b.max_batch_total_tokens);
  set("maxRequestTokens", b.max_total_tokens);
  set("maxInputTokens", b.max_input_tokens ?? b.max_input_length);
  set("maxConcurrent", b.max_concurrent_requests);
  return Object.keys(info).length > 1 ? info : undefined;
}

/**
 * llama.cpp's `/props`: `total_slots` (`--parallel`) and `default_generation_settings.n_ctx`, the
 * context of one slot. The cache holds `n_ctx × total_slots` tokens when each slot has its own
 * share (the server splits `--ctx-size` over the slots); with `--kv-unified` every slot reports the
 * whole cache and this overcounts it by the slot count, which leaves the client's token budget
 * looser than the server, as if unknown, never tighter.
 */
export function llamacppProps(body: unknown): ServerInfo | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const b = body as { total_slots?: unknown; default_generation_settings?: { n_ctx?: unknown } };
  const slots = count(b.total_slots);
  const nCtx = count(b.default_generation_settings?.n_ctx);
  if (slots === undefined && nCtx === undefined) return undefined;
  return {
    source: "/props",
    ...(slots !== undefined ? { slots } : {}),
    ...(nCtx !== undefined ? { maxRequestTokens: nCtx } : {}),
    ...(slots !== undefined && nCtx !== undefined ? { kvCapacityTokens: slots * nCtx } : {}),
  };
}

/** llama.cpp's `/slots` (when `/props` is not answered): the slots and the sum of their `n_ctx`. */
export function llamacppSlotsInfo(body: unknown): ServerInfo | undefined {
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const contexts = body.map((slot) => count((slot as { n_ctx?: unknown })?.n_ctx));
  if (contexts.some((n) => n === undefined)) return undefined;
  const sizes = contexts as number[];
  return {
    source: "/slots",
    slots: sizes.length,
    maxRequestTokens: Math.max(...sizes),
    kvCapacityTokens: sizes.reduce((a, b) => a + b, 0),
  };
}
