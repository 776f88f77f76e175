import { InvalidRequestError } from "@keel/core";
import type { RedisClientLike } from "@keel/core/node";
import { optionalPeer } from "@keel/core/provider";
import { StoreUnavailableError, VersionConflictError } from "../errors.js";

/** Where a Redis store connects: a client you own, or a URL (a client is opened and closed by the store). */
export interface RedisConnectionOptions {
  /** An ioredis client (or any client with the commands `RedisClientLike` lists); the store never quits it. */
  client?: RedisClientLike;
  /** Used when no client is given (`ioredis` is loaded on first use). */
  url?: string;
  /** Prefix of every key the store writes. */
  keyPrefix?: string;
}

const ioredis = optionalPeer("ioredis", "@keel/memory/node (Redis stores)", () => import("ioredis"));

/** A lazily opened ioredis client and the error mapping shared by the Redis stores. */
export class RedisConnection {
  readonly prefix: string;
  readonly #options: RedisConnectionOptions;
  #client: Promise<RedisClientLike> | undefined;
  #owns = false;

  constructor(options: RedisConnectionOptions, defaultPrefix: string) {
    if (!options.client && !options.url)
      throw new InvalidRequestError("a Redis store needs `client` or `url`");
    const prefix = options.keyPrefix ?? defaultPrefix;
    if (typeof prefix !== "string" || /[\s{}]/.test(prefix))
      throw new InvalidRequestError(`keyPrefix "${prefix}" may not contain spaces or braces`);
    this.prefix = prefix;
    this.#options = options;
  }

  /** Runs `work` with the client; connection failures become `StoreUnavailableError`. */
  async run<R>(work: (redis: RedisClientLike) => Promise<R>): Promise<R> {
    let redis: RedisClientLike;
    try {
      redis = await this.#open();
    } catch (error) {
      throw redisError(error);
    }
    try {
      return await work(redis);
    } catch (error) {
      throw redisError(error);
    }
  }

  /** Quits the client if this connection opened it. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client && this.#owns) await (await client).quit().catch(() => {});
  }

  #open(): Promise<RedisClientLike> {
    this.#client ??= (async () => {
      if (this.#options.client) return this.#options.client;
      const { Redis } = await ioredis.load();
      // Fail fast rather than queue writes forever while Redis is away.
      const client = new Redis(this.#options.url!, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      client.on("error", () => {});
      await client.connect();
      this.#owns = true;
      return client;
    })();
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }
}

/** Our own errors pass through; any failure to reach Redis is `StoreUnavailableError`. */
export function redisError(error: unknown): unknown {
  if (error instanceof VersionConflictError || error instanceof InvalidRequestError) return error;
  const message = (error as Error)?.message ?? String(error);
  const code = String((error as { code?: unknown }).code ?? "");
  if (
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    (error as Error)?.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|Stream isn't writeable|connect E|LOADING|READONLY|MASTERDOWN|OOM/i.test(message)
  )
    return new StoreUnavailableError(`Redis store unavailable: ${message}`, { cause: error });
  return error;
}

/** The part of a key that names a scope: URI-encoded and wrapped in a hash tag, so one scope's keys share a cluster slot. */
export function scopeTag(tenant: string, user: string): string {
  return `{${encodeURIComponent(tenant)}:${encodeURIComponent(user)}}`;
}
