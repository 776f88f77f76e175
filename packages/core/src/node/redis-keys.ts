import { abortReason } from "../abort.js";
import { NetworkError } from "../errors.js";
import type { RedisClientLike } from "./redis-client.js";

/** Escapes Redis glob characters so a literal prefix can be used in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** Unlinks every key matching a pattern, in SCAN batches (never KEYS, which blocks the server). */
export async function unlinkMatching(client: RedisClientLike, pattern: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [nextCursor, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = nextCursor;
    if (keys.length) removed += await client.unlink(...keys);
  } while (cursor !== "0");
  return removed;
}

/**
 * Client states in which a command would sit in ioredis's offline queue for a connection that is
 * gone: such a command would run late, after the cache gave up on it, and write an answer the
 * caller has long since moved past.
 */
const DOWN = new Set(["reconnecting", "close", "end"]);

/** Clients this module has seen ready: for them, "connecting" is a reconnect attempt, not the first connect. */
const connectedBefore = new WeakSet<RedisClientLike>();

/**
 * Whether a command would wait on a lost connection. "connecting" is down for a client that was
 * ready before (ioredis passes through it between reconnect attempts, and a command queued then
 * runs once the server is back), but not for a new client still making its first connection,
 * whose queued commands run within moments.
 */
function isDown(client: RedisClientLike): boolean {
  const status = client.status;
  if (status === "ready") {
    connectedBefore.add(client);
    return false;
  }
  if (status === "connecting") return connectedBefore.has(client);
  return DOWN.has(status);
}

/**
 * Runs a command for a cache that must not wait on Redis: it fails at once with a
 * `NetworkError` while the client has lost its connection (ioredis reconnects by itself; the
 * next call after it is back uses Redis again), and settles as soon as `signal` fires even when
 * Redis never answers (a stopped server whose socket is still open). A command left running
 * then is abandoned, its eventual result dropped.
 */
export function redisCommand<T>(
  client: RedisClientLike,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (isDown(client))
    return Promise.reject(
      new NetworkError(`Redis is not connected (client status "${client.status}"); it reconnects by itself`),
    );
  const command = run();
  if (!signal) return command;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    command.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
