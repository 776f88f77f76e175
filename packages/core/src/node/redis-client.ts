// The part of an ioredis client that Keel's Redis stores (here and in @keel/memory) use, described structurally so that the
// published declarations need neither ioredis nor its types: an ioredis `Redis` (or `Cluster`)
// satisfies it as it is.

/** The commands Keel queues on a `MULTI` transaction. */
export interface RedisTransactionLike {
  hset(key: string, field: string, value: string | Buffer): RedisTransactionLike;
  set(key: string, value: string): RedisTransactionLike;
  set(key: string, value: string, mode: "PX", milliseconds: number): RedisTransactionLike;
  pexpire(key: string, milliseconds: number, condition: "NX" | "GT"): RedisTransactionLike;
  persist(key: string): RedisTransactionLike;
  sadd(key: string, ...members: string[]): RedisTransactionLike;
  srem(key: string, ...members: string[]): RedisTransactionLike;
  hdel(key: string, ...fields: string[]): RedisTransactionLike;
  del(...keys: string[]): RedisTransactionLike;
  exec(): Promise<Array<[error: Error | null, result: unknown]> | null>;
}

/** A connected Redis client, as Keel's Redis stores use it (an ioredis `Redis` is one). */
export interface RedisClientLike {
  /** The connection state (`"ready"`, `"reconnecting"`, `"end"`, ...). */
  readonly status: string;
  get(key: string): Promise<string | null>;
  mget(keys: string[]): Promise<Array<string | null>>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, mode: "PX", milliseconds: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  unlink(...keys: string[]): Promise<number>;
  scan(
    cursor: string,
    matchToken: "MATCH",
    pattern: string,
    countToken: "COUNT",
    count: number,
  ): Promise<[cursor: string, keys: string[]]>;
  hget(key: string, field: string): Promise<string | null>;
  hset(key: string, field: string, value: string): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hgetallBuffer(key: string): Promise<Record<string, Buffer>>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  smembers(key: string): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  eval(script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>;
  multi(): RedisTransactionLike;
  /** Registers a Lua script as a client command (ioredis's `defineCommand`). */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
  quit(): Promise<unknown>;
}
