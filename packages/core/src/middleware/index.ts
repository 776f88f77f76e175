export {
  type CircuitBreakerMiddleware,
  type CircuitBreakerOptions,
  circuitBreaker,
  isHealthFailure,
} from "./circuit-breaker.js";
export { type ConcurrencyOptions, concurrency } from "./concurrency.js";
export { buildContinuationRequest, CONTINUE_INSTRUCTION, type ContinuationBuilder } from "./continuation.js";
export { type FallbackOptions, fallback } from "./fallback.js";
export {
  defaultShouldFallback,
  type FallbackAttempt,
  type FallbackPolicy,
  fallbackAttempts,
} from "./fallback-route.js";
export { type HedgeOptions, hedge } from "./hedge.js";
export { type RateLimitOptions, rateLimit } from "./rate-limit.js";
export { type RetryOptions, retry } from "./retry.js";
export { type TimeoutLimit, type TimeoutOptions, timeout } from "./timeout.js";
