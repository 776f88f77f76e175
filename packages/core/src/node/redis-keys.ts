import type { Redis } from "ioredis";

/** Escapes Redis glob characters so a literal prefix can be used in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** Unlinks every key matching a pattern, in SCAN batches (never KEYS, which blocks the server). */
export async function unlinkMatching(client: Redis, pattern: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [nextCursor, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = nextCursor;
    if (keys.length) removed += await client.unlink(...keys);
  } while (cursor !== "0");
  return removed;
}
