import {
  AbortedError,
  AuthenticationError,
  ContextLengthExceededError,
  InvalidRequestError,
  isKeelError,
  type KeelError,
  type KeelErrorOptions,
  NetworkError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from "@keel/core";
import { abortReason, errorClassForStatus, toKeelError } from "@keel/core/provider";
import {
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIRequestInputError,
} from "./sdk.js";

const PROVIDER = "google";

// A 400 whose message says the prompt does not fit.
const TOKEN_LIMIT =
  /token count.*exceeds|exceeds the maximum number of tokens|too many tokens|context (length|window)/i;

/** A `google.rpc` status detail, as the SDK hands them over in `errorDetails`. */
interface RpcDetail {
  "@type"?: string;
  reason?: string;
  retryDelay?: string;
  violations?: Array<{ quotaId?: string; quotaMetric?: string; description?: string }>;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Maps anything the Gemini SDK throws to a Keel error. When `signal` has fired the error is the
 * signal's (aborted or deadline). HTTP errors map by the `google.rpc` details and message first
 * (API_KEY_INVALID or a key problem on 403 → authentication; token-limit messages on 400 →
 * context length; 429 → rate limited with `RetryInfo.retryDelay` as `retryAfterMs`, or quota
 * exhausted when a per-day quota was hit or prepaid credits are depleted), then by status through
 * the shared table (`errorClassForStatus`, with Google's 503 → overloaded).
 */
export function toGoogleError(error: unknown, signal?: AbortSignal): KeelError {
  if (signal?.aborted) return abortReason(signal);
  if (isKeelError(error)) return error;
  if (error instanceof GoogleGenerativeAIFetchError) return fromFetchError(error);
  if (error instanceof GoogleGenerativeAIAbortError) {
    return new AbortedError(stripPrefix(error.message), { provider: PROVIDER, cause: error });
  }
  if (error instanceof GoogleGenerativeAIRequestInputError) {
    return new InvalidRequestError(stripPrefix(error.message), { provider: PROVIDER, cause: error });
  }
  if (error instanceof GoogleGenerativeAIError) return fromSdkError(error);
  if (error instanceof SyntaxError) {
    // A 200 whose body is not the JSON Gemini sends: truncated, or a proxy's HTML page.
    return new ProviderUnavailableError(
      `Gemini sent a response body that is not valid JSON: ${error.message}`,
      {
        provider: PROVIDER,
        cause: error,
      },
    );
  }
  return toKeelError(error, PROVIDER);
}

function fromSdkError(error: GoogleGenerativeAIError): KeelError {
  const message = stripPrefix(error.message);
  const options = { provider: PROVIDER, cause: error };
  if (message.startsWith("Error fetching from") || message === "Error reading from the stream") {
    // The SDK wraps fetch failures and broken body reads in this generic error, dropping the cause.
    return new NetworkError(`Gemini connection failed: ${message}`, options);
  }
  if (message === "Failed to parse stream") {
    // Gemini reports a failure after streaming has begun (e.g. 499 CANCELLED, 500 INTERNAL) as a
    // bare google.rpc JSON object after the SSE events. The SDK cannot parse it and discards the text,
    // so the status is lost; the failure is the provider's and a new attempt may succeed.
    return new ProviderUnavailableError(
      "the Gemini stream ended with data that is not an SSE event (Gemini's mid-stream error object); the SDK does not expose its status",
      options,
    );
  }
  if (message.startsWith("Error parsing JSON response")) {
    return new ProviderUnavailableError(`Gemini sent a malformed stream event: ${message}`, options);
  }
  return new ProviderUnavailableError(message, options);
}

function fromFetchError(error: GoogleGenerativeAIFetchError): KeelError {
  const status = error.status ?? 0;
  const details = (error.errorDetails ?? []) as RpcDetail[];
  const message = `Gemini ${status}: ${apiMessage(error)}`;
  const options: KeelErrorOptions = {
    provider: PROVIDER,
    status,
    cause: error,
    body: { status, statusText: error.statusText, details },
  };
  const reasons = details.map((d) => d.reason).filter((r): r is string => typeof r === "string");
  if (reasons.includes("API_KEY_INVALID")) return new AuthenticationError(message, options);
  // A missing or leaked key is a credentials problem, not a missing permission.
  if (status === 403 && /API key|unregistered callers/i.test(message))
    return new AuthenticationError(message, options);
  if (status === 400 && TOKEN_LIMIT.test(message)) return new ContextLengthExceededError(message, options);
  if (status === 429) return fromResourceExhausted(message, details, options);
  const ErrorClass = errorClassForStatus(status, PROVIDER);
  return new ErrorClass(message, options);
}

/**
 * Gemini answers every quota problem with 429 RESOURCE_EXHAUSTED. A `RetryInfo` or a per-minute
 * quota means a rate that resets soon; a per-day quota, or a message about depleted prepaid
 * credits, means waiting minutes will not help, so it is quota exhaustion (not retryable).
 */
function fromResourceExhausted(message: string, details: RpcDetail[], options: KeelErrorOptions): KeelError {
  const retry = details.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"))?.retryDelay;
  const retryAfterMs = typeof retry === "string" ? protobufDurationMs(retry) : undefined;
  const withRetry = retryAfterMs !== undefined ? { ...options, retryAfterMs } : options;
  const quotaIds = details
    .flatMap((d) => d.violations ?? [])
    .map((v) => `${v.quotaId ?? ""} ${v.quotaMetric ?? ""}`);
  const perDay = quotaIds.some((id) => /PerDay/i.test(id));
  if (perDay || /prepay|credits? (are |is )?(depleted|exhausted)/i.test(message)) {
    return new QuotaExhaustedError(message, withRetry);
  }
  return new RateLimitedError(message, withRetry);
}

/** A protobuf JSON `Duration` ("34.4s", "1.5s": seconds with an `s` suffix) in milliseconds. */
function protobufDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** The API's own message, without the SDK's URL prefix and appended details JSON. */
function apiMessage(error: GoogleGenerativeAIFetchError): string {
  const text = stripPrefix(error.message);
  const marker = `[${error.status} ${error.statusText ?? ""}] `;
  const at = text.indexOf(marker);
  let message = at >= 0 ? text.slice(at + marker.length) : text;
  if (error.errorDetails) {
    const suffix = ` ${JSON.stringify(error.errorDetails)}`;
    if (message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  }
  return message.trim() || error.statusText || "request failed";
}

function stripPrefix(message: string): string {
  return message.replace(/^\[GoogleGenerativeAI Error\]: /, "");
}
