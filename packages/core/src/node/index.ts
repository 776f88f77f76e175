export * from "./cache-stores.js";
export * from "./flow-stores.js";
export { fileLineWriter, type LineWriter, streamLineWriter } from "./line-writer.js";
export { type RedisSharedStateOptions, redisSharedState } from "./redis-shared-state.js";
