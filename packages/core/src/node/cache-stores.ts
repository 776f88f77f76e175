export { RedisCacheStore, type RedisStoreOptions } from "./redis-cache-store.js";
export { RedisSemanticStore } from "./redis-semantic-store.js";
