import {
  AuthenticationError,
  ContentFilteredError,
  ContextLengthExceededError,
  InvalidRequestError,
  type KeelError,
  type KeelErrorOptions,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
} from "../errors.js";
import { retryAfterFromHeaders } from "../retry-after.js";
import { errorClassForStatus } from "./http-status-errors.js";

/** Response headers as SDKs expose them: a `Headers` object or a plain record. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** The fields a provider error body carries, whatever its shape. */
export interface ProviderErrorInfo {
  message?: string;
  /** OpenAI / Anthropic `error.type`. */
  type?: string;
  /** OpenAI `error.code`, Google `error.status`. */
  code?: string;
}

/**
 * Reads message, type and code from a provider error body: `{error:{message,type,code}}`
 * (OpenAI, Anthropic), `{error:{code:429,status,message}}` (Google), `{error:"text"}`, or the
 * inner error object itself.
 */
export function errorInfoOf(body: unknown): ProviderErrorInfo {
  if (typeof body === "string") return { message: body };
  if (typeof body !== "object" || body === null) return {};
  const outer = body as Record<string, unknown>;
  if (typeof outer.error === "string")
    return { message: outer.error, ...textField(outer, "type", "error_type") };
  const inner = (typeof outer.error === "object" && outer.error !== null ? outer.error : outer) as Record<
    string,
    unknown
  >;
  return {
    ...(typeof inner.message === "string" ? { message: inner.message } : {}),
    ...textField(inner, "type"),
    ...(typeof inner.code === "string"
      ? { code: inner.code }
      : typeof inner.status === "string"
        ? { code: inner.status }
        : {}),
  };
}

function textField(record: Record<string, unknown>, ...names: string[]): { type?: string } {
  for (const name of names) if (typeof record[name] === "string") return { type: record[name] as string };
  return {};
}

const QUOTA = /^(insufficient_quota|billing_hard_limit_reached|billing_not_active)$/;
const CONTEXT_CODE = /^(context_length_exceeded|string_above_max_length)$/;
const CONTEXT_MESSAGE =
  /maximum context length|context window|context_length_exceeded|prompt is too long|too many tokens|reduce the length of the messages/i;
const CONTENT_FILTER = /^(content_filter|content_policy_violation|content_filtered)$/i;

/**
 * Maps a provider's HTTP error (or an in-stream error with no status) to the Keel error it
 * stands for: the body's type/code first (exhausted quota, a prompt too long, a content filter,
 * an overloaded 503), then the status through `errorClassForStatus`. Retry-after comes from the headers;
 * `x-should-retry` overrides whether it is retryable (except for exhausted quota).
 */
export function errorFromHttp(
  status: number | undefined,
  body: unknown,
  headers: HeadersLike | undefined,
  provider: string,
  extra: { cause?: unknown } = {},
): KeelError {
  const info = errorInfoOf(body);
  const kind = [info.type, info.code].filter(Boolean).join("/");
  const message =
    `${provider}${status !== undefined ? ` ${status}` : ""}` +
    `${kind ? ` (${kind})` : ""}: ${info.message ?? (status !== undefined ? "request failed" : "error in stream")}`;
  const retryAfterMs = retryAfterFromHeaders(headers);
  const options: KeelErrorOptions = {
    provider,
    body,
    ...(status !== undefined ? { status } : {}),
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const codes = [info.type ?? "", info.code ?? ""];
  if (codes.some((c) => QUOTA.test(c))) return new QuotaExhaustedError(message, options);
  const shouldRetry = headerValue(headers, "x-should-retry");
  if (shouldRetry === "true" || shouldRetry === "false") options.retryable = shouldRetry === "true";
  return classify(status, codes, info.message ?? "", message, options);
}

function classify(
  status: number | undefined,
  codes: string[],
  detail: string,
  message: string,
  options: KeelErrorOptions,
): KeelError {
  const has = (re: RegExp) => codes.some((c) => re.test(c));
  const clientSide = status === undefined || status === 400 || status === 413 || status === 422;
  if (clientSide && (has(CONTEXT_CODE) || CONTEXT_MESSAGE.test(detail)))
    return new ContextLengthExceededError(message, options);
  if ((clientSide || status === 403) && has(CONTENT_FILTER))
    return new ContentFilteredError(message, options);
  if (status === undefined) return classifyByCode(has, message, options);
  if (status === 503 && /overload|capacity/i.test(`${codes.join(" ")} ${detail}`))
    return new OverloadedError(message, options);
  const ErrorClass = errorClassForStatus(status, options.provider);
  return new ErrorClass(message, options);
}

/** In-stream errors carry no status; their type/code says what happened. Unknown ones count as a provider failure. */
function classifyByCode(has: (re: RegExp) => boolean, message: string, options: KeelErrorOptions): KeelError {
  if (has(/rate_limit|resource_exhausted|too_many_requests/i)) return new RateLimitedError(message, options);
  if (has(/overloaded/i)) return new OverloadedError(message, options);
  if (has(/authentication|invalid_api_key|unauthenticated/i))
    return new AuthenticationError(message, options);
  if (has(/permission/i)) return new PermissionError(message, options);
  if (has(/^(invalid_request_error|invalid_prompt|invalid_argument|not_found_error|validation)$/i))
    return new InvalidRequestError(message, options);
  return new ProviderUnavailableError(message, options);
}

function headerValue(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}
