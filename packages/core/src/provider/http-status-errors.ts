import {
  AuthenticationError,
  InvalidRequestError,
  type KeelError,
  type KeelErrorOptions,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "../errors.js";

/** A Keel error class, as the status tables name them. */
export type KeelErrorClass = new (message: string, options?: KeelErrorOptions) => KeelError;

/** HTTP statuses and the Keel error class each stands for. */
export type StatusTable = Readonly<Record<number, KeelErrorClass>>;

/**
 * What an HTTP error status from a model provider means, for every adapter. The class decides
 * what `retry` (retryable or not) and `fallback` (move on or rethrow) do, so one status means one
 * thing whichever provider sent it. The official OpenAI and Anthropic SDKs retry 408, 409, 429
 * and every 5xx; here those are the retryable classes. A status not listed maps by its family
 * (`errorClassForStatus`). Adapters refine a status by the body first (a 400 that says the
 * prompt is too long is `ContextLengthExceededError`, a 429 for spent credit is
 * `QuotaExhaustedError`); what is left is this table.
 */
export const HTTP_STATUS_ERRORS: StatusTable = {
  400: InvalidRequestError,
  401: AuthenticationError,
  // Payment Required: money, not load; waiting does not help.
  402: QuotaExhaustedError,
  403: PermissionError,
  // An unknown model or route fails the same way on every attempt.
  404: InvalidRequestError,
  // The server gave up waiting for the request: a timeout on the way, worth another attempt.
  408: TimeoutError,
  // A transient conflict (OpenAI's lock contention, Google's ABORTED); the official SDKs retry it.
  409: ProviderUnavailableError,
  413: InvalidRequestError,
  422: InvalidRequestError,
  429: RateLimitedError,
  // The request was cancelled on the server's side (Google's CANCELLED), not by the caller.
  499: ProviderUnavailableError,
  500: ProviderUnavailableError,
  502: ProviderUnavailableError,
  503: ProviderUnavailableError,
  504: TimeoutError,
  // Anthropic's "overloaded", also used by proxies in front of other providers.
  529: OverloadedError,
};

/**
 * Where one provider's status means something else than the shared table says, keyed by the
 * adapter's provider name. Written as data here, beside the table, so a reader sees every
 * exception in one place.
 */
export const PROVIDER_STATUS_OVERRIDES: Readonly<Record<string, StatusTable>> = {
  // Gemini answers 503 UNAVAILABLE when the model is overloaded ("The model is overloaded").
  google: { 503: OverloadedError },
};

/**
 * The Keel error class an HTTP error status stands for: `provider`'s override, else the shared
 * table, else by family (other 5xx: provider unavailable; other 4xx: invalid request). A status
 * below 400 reported as an error is the provider's failure.
 */
export function errorClassForStatus(status: number, provider?: string): KeelErrorClass {
  const override = provider === undefined ? undefined : PROVIDER_STATUS_OVERRIDES[provider]?.[status];
  const listed = override ?? HTTP_STATUS_ERRORS[status];
  if (listed) return listed;
  return status >= 400 && status < 500 ? InvalidRequestError : ProviderUnavailableError;
}
