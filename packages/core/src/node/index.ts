export * from "./cache-stores.js";
export * from "./flow-stores.js";
export { fileLineWriter, type LineWriter, streamLineWriter } from "./line-writer.js";
export type { PgPoolClientLike, PgPoolLike, PgQueryResult } from "./pg-pool.js";
export type { RedisClientLike, RedisTransactionLike } from "./redis-client.js";
export { type RedisSharedStateOptions, redisSharedState } from "./redis-shared-state.js";
