export * from "./circuit-breaker.js";
export * from "./concurrency.js";
export * from "./fallback.js";
export * from "./hedge.js";
export * from "./rate-limit.js";
export * from "./retry.js";
export { type Release, Semaphore } from "./semaphore.js";
export * from "./timeout.js";
