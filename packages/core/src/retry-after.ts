/** Reads how long a provider asked us to wait, from any header it uses; undefined when it did not say. */
export function retryAfterFromHeaders(
  headers: Headers | Record<string, string | string[] | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => {
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, string | string[] | undefined>)[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const ms = get("retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = get("retry-after");
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  // OpenAI: durations like "6m0s", "1s", "20ms". Anthropic: RFC 3339 timestamps.
  const resets: number[] = [];
  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const v = get(name);
    const d = v === undefined ? undefined : parseGoDuration(v);
    if (d !== undefined) resets.push(d);
  }
  for (const name of [
    "anthropic-ratelimit-requests-reset",
    "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-input-tokens-reset",
    "anthropic-ratelimit-output-tokens-reset",
  ]) {
    const v = get(name);
    const t = v === undefined ? Number.NaN : Date.parse(v);
    if (!Number.isNaN(t)) resets.push(Math.max(0, t - now));
  }
  return resets.length ? Math.max(...resets) : undefined;
}

/** Parses a Go-style duration ("1m30s", "250ms", "34.4s") to milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = "";
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length > 0 && matched === text.trim() ? total : undefined;
}
