export * from "./retry.js";
export * from "./timeout.js";
export * from "./concurrency.js";
export * from "./rate-limit.js";
export * from "./fallback.js";
export * from "./circuit-breaker.js";
export * from "./hedge.js";
