import {
  AbortedError,
  AuthenticationError,
  ContextLengthExceededError,
  InvalidRequestError,
  isKeelError,
  type KeelError,
  type KeelErrorOptions,
  NetworkError,
  OutputParseError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "@keel/core";
import {
  abortReason,
  errorClassForStatus,
  type KeelErrorClass,
  retryAfterFromHeaders,
  toKeelError,
} from "@keel/core/provider";

const PROVIDER = "anthropic";

/** The fields of an SDK `APIError` this mapping reads (duck-typed, so any copy of the SDK works). */
interface ApiErrorLike {
  name?: string;
  message?: string;
  status?: number;
  headers?: Headers;
  type?: string | null;
  apiMessage?: string | null;
  errorCode?: string | null;
  error?: unknown;
}

// Errors that say the prompt does not fit; Anthropic sends them as plain invalid_request_error.
const CONTEXT_LENGTH =
  /prompt is too long|input length and `?max_tokens`? exceed context limit|exceeds? the (model's )?context (window|length)/i;
// Anthropic reports exhausted prepaid credit as a 400 invalid_request_error with this text.
const NO_CREDIT = /credit balance is too low/i;
// Error codes (error.details.error_code) that mean money, not load: waiting does not help.
const QUOTA_CODES = new Set([
  "contract_spend_limit_reached",
  "enforced_spend_limit_reached",
  "linked_organization_spend_limit_reached",
  "linked_organization_billing_unavailable",
  "organization_on_hold",
]);

/**
 * Converts anything the SDK throws into a Keel error: by `error.type` first (an in-stream
 * `event: error` has no status), then by HTTP status. When `signal` has fired, its reason wins,
 * so an abort or a passed deadline reads as such, whatever the SDK made of it.
 */
export function toAnthropicKeelError(error: unknown, signal?: AbortSignal): KeelError {
  if (signal?.aborted) return abortReason(signal);
  if (isKeelError(error)) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const message = e.message ?? String(error);
  if (e.name === "APIUserAbortError") return new AbortedError(message, { provider: PROVIDER, cause: error });
  if (e.name === "APIConnectionTimeoutError")
    return new TimeoutError(message, { provider: PROVIDER, cause: error });
  if (e.name === "APIConnectionError") return new NetworkError(message, { provider: PROVIDER, cause: error });
  if (error instanceof SyntaxError)
    return new OutputParseError(`Anthropic sent a body that is not valid JSON: ${message}`, {
      provider: PROVIDER,
      cause: error,
      retryable: true,
    });
  if (e.status !== undefined || e.type) return fromApiError(e, error);
  if (/streaming is required/i.test(message))
    return new InvalidRequestError(`${message} (or lower maxOutputTokens)`, {
      provider: PROVIDER,
      cause: error,
    });
  return toKeelError(error, PROVIDER);
}

function fromApiError(e: ApiErrorLike, cause: unknown): KeelError {
  // SDKs before `type` / `apiMessage` existed on APIError (0.60 and others the peer range allows)
  // keep only the body, and their message is the status and that body as raw JSON: read the body.
  const body = bodyError(e.error);
  const type = e.type ?? body?.type ?? undefined;
  const status = e.status;
  const text = e.apiMessage ?? body?.message ?? e.message ?? "";
  const code =
    e.errorCode ?? (typeof body?.details?.error_code === "string" ? body.details.error_code : null);
  const ErrorClass = classFor(type, status, code ?? undefined, text);
  // Retry hints belong to the failed response; a mid-stream error arrives on a 200 whose rate-limit headers say nothing about it.
  const retryAfterMs =
    status !== undefined && (status === 429 || status === 529 || status === 503)
      ? retryAfterFromHeaders(e.headers)
      : undefined;
  const shouldRetry = e.headers?.get("x-should-retry");
  const options: KeelErrorOptions = {
    provider: PROVIDER,
    cause,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(shouldRetry === "true" || shouldRetry === "false" ? { retryable: shouldRetry === "true" } : {}),
    ...(e.error !== undefined ? { body: e.error } : {}),
  };
  const where = status === undefined ? "in stream" : String(status);
  return new ErrorClass(`Anthropic ${where}${type ? ` ${type}` : ""}: ${text}`, options);
}

/** The `error` object of an Anthropic error body (`{ type: "error", error: { type, message, details } }`). */
function bodyError(
  body: unknown,
): { type?: string; message?: string; details?: { error_code?: unknown } } | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const { type, message, details } = error as Record<string, unknown>;
  return {
    ...(typeof type === "string" ? { type } : {}),
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof details === "object" && details !== null
      ? { details: details as { error_code?: unknown } }
      : {}),
  };
}

function classFor(
  type: string | undefined,
  status: number | undefined,
  code: string | undefined,
  text: string,
): KeelErrorClass {
  if ((code !== undefined && QUOTA_CODES.has(code)) || NO_CREDIT.test(text)) return QuotaExhaustedError;
  switch (type) {
    case "overloaded_error":
      return OverloadedError;
    case "rate_limit_error":
      return RateLimitedError;
    case "api_error":
      return ProviderUnavailableError;
    case "timeout_error":
      return TimeoutError;
    case "authentication_error":
      return AuthenticationError;
    case "permission_error":
      return PermissionError;
    case "billing_error":
      return QuotaExhaustedError;
    case "invalid_request_error":
      return CONTEXT_LENGTH.test(text) ? ContextLengthExceededError : InvalidRequestError;
    case "not_found_error":
    case "request_too_large":
      return InvalidRequestError;
  }
  if (status === undefined) return ProviderUnavailableError;
  const ErrorClass = errorClassForStatus(status, PROVIDER);
  return ErrorClass === InvalidRequestError && CONTEXT_LENGTH.test(text)
    ? ContextLengthExceededError
    : ErrorClass;
}
