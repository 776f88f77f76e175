import type { ErrorResponse, WireProtocol } from "./types.js";

/** An HTTP error answer: status, headers and the protocol's JSON error body. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Fault kinds answered with an HTTP error. */
export type HttpFault = "rate-limit" | "quota-exhausted" | "server-error" | "unavailable" | "overloaded";

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const GOOGLE_STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "invalid_request_error",
  404: "invalid_request_error",
  409: "invalid_request_error",
  422: "invalid_request_error",
  429: "requests",
};

/** `{error:{message,type,param,code}}` */
export function openaiErrorBody(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** `{type:"error",error:{type,message}}` */
export function anthropicErrorBody(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

/** google.rpc Status: `{error:{code,message,status,details?}}` */
export function googleErrorBody(code: number, message: string, status?: string, details?: unknown[]) {
  return {
    error: {
      code,
      message,
      status: status ?? GOOGLE_STATUSES[code] ?? (code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"),
      ...(details ? { details } : {}),
    },
  };
}

/** Renders a scripted `{ error }` in the protocol's error shape. */
export function scriptedError(protocol: WireProtocol, spec: ErrorResponse["error"]): ErrorReply {
  const { status, message } = spec;
  const headers = { ...spec.headers };
  switch (protocol) {
    case "anthropic":
      return { status, headers, body: anthropicErrorBody(spec.type ?? anthropicType(status), message) };
    case "gemini":
      return { status, headers, body: googleErrorBody(status, message, spec.type) };
    default:
      return {
        status,
        headers,
        body: openaiErrorBody(message, spec.type ?? openaiType(status), spec.code ?? null),
      };
  }
}

/** The real error answer each protocol gives for an HTTP fault. */
export function faultError(
  protocol: WireProtocol,
  fault: HttpFault,
  retry: { retryAfterMs?: number; retryAfterSeconds?: number } = {},
): ErrorReply {
  switch (protocol) {
    case "anthropic":
      return anthropicFault(fault, retry);
    case "gemini":
      return geminiFault(fault, retry);
    default:
      return openaiFault(fault, retry);
  }
}

/** An error the test server itself raises (bad script, missing fixture, unknown route), in the protocol's shape. */
export function testServerError(protocol: WireProtocol, status: number, message: string): ErrorReply {
  return scriptedError(protocol, { status, message: `keel test server: ${message}` });
}

function retryHeaders(retry: { retryAfterMs?: number; retryAfterSeconds?: number }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (retry.retryAfterMs !== undefined) headers["retry-after-ms"] = String(retry.retryAfterMs);
  if (retry.retryAfterSeconds !== undefined) headers["retry-after"] = String(retry.retryAfterSeconds);
  return headers;
}

function retryDelayMs(retry: { retryAfterMs?: number; retryAfterSeconds?: number }): number | undefined {
  return (
    retry.retryAfterMs ?? (retry.retryAfterSeconds === undefined ? undefined : retry.retryAfterSeconds * 1000)
  );
}

function openaiType(status: number): string {
  return OPENAI_TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error");
}

function anthropicType(status: number): string {
  return ANTHROPIC_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

function openaiFault(
  fault: HttpFault,
  retry: { retryAfterMs?: number; retryAfterSeconds?: number },
): ErrorReply {
  const headers: Record<string, string> = {};
  switch (fault) {
    case "rate-limit": {
      const delay = retryDelayMs(retry);
      return {
        status: 429,
        headers: {
          ...headers,
          "x-ratelimit-limit-requests": "500",
          "x-ratelimit-remaining-requests": "0",
          ...(delay === undefined ? {} : { "x-ratelimit-reset-requests": `${delay}ms` }),
          ...retryHeaders(retry),
        },
        body: openaiErrorBody(
          "Rate limit reached for requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again later. Visit https://platform.openai.com/account/rate-limits to learn more.",
          "requests",
          "rate_limit_exceeded",
        ),
      };
    }
    case "quota-exhausted":
      return {
        status: 429,
        headers,
        body: openaiErrorBody(
          "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
          "insufficient_quota",
          "insufficient_quota",
        ),
      };
    case "server-error":
      return {
        status: 500,
        headers,
        body: openaiErrorBody(
          "The server had an error while processing your request. Sorry about that!",
          "server_error",
        ),
      };
    case "unavailable":
    case "overloaded":
      return {
        status: 503,
        headers,
        body: openaiErrorBody("The server is overloaded or not ready yet.", "server_error"),
      };
  }
}

function anthropicFault(
  fault: HttpFault,
  retry: { retryAfterMs?: number; retryAfterSeconds?: number },
): ErrorReply {
  const headers: Record<string, string> = {};
  switch (fault) {
    case "rate-limit": {
      const delay = retryDelayMs(retry);
      return {
        status: 429,
        headers: {
          ...headers,
          "anthropic-ratelimit-requests-limit": "50",
          "anthropic-ratelimit-requests-remaining": "0",
          ...(delay === undefined
            ? {}
            : { "anthropic-ratelimit-requests-reset": new Date(Date.now() + delay).toISOString() }),
          ...retryHeaders(retry),
        },
        body: anthropicErrorBody(
          "rate_limit_error",
          "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.",
        ),
      };
    }
    case "quota-exhausted":
      // Anthropic reports exhausted credit as a 400, not a 429.
      return {
        status: 400,
        headers,
        body: anthropicErrorBody(
          "invalid_request_error",
          "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        ),
      };
    case "server-error":
      return { status: 500, headers, body: anthropicErrorBody("api_error", "Internal server error") };
    case "unavailable":
      return { status: 503, headers, body: anthropicErrorBody("api_error", "Service unavailable") };
    case "overloaded":
      return { status: 529, headers, body: anthropicErrorBody("overloaded_error", "Overloaded") };
  }
}

function geminiFault(
  fault: HttpFault,
  retry: { retryAfterMs?: number; retryAfterSeconds?: number },
): ErrorReply {
  switch (fault) {
    case "rate-limit": {
      // Gemini puts its retry hint in the body (RetryInfo), not in headers.
      const delay = retryDelayMs(retry);
      const details: unknown[] = [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }],
        },
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "RATE_LIMIT_EXCEEDED",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ];
      if (delay !== undefined) {
        details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${delay / 1000}s` });
      }
      return {
        status: 429,
        headers: {},
        body: googleErrorBody(429, "Resource has been exhausted (e.g. check quota).", undefined, details),
      };
    }
    case "quota-exhausted":
      return {
        status: 429,
        headers: {},
        body: googleErrorBody(
          429,
          "You exceeded your current quota, please check your plan and billing details.",
          undefined,
          [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }],
            },
          ],
        ),
      };
    case "server-error":
      return {
        status: 500,
        headers: {},
        body: googleErrorBody(
          500,
          "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        ),
      };
    case "unavailable":
    case "overloaded":
      return {
        status: 503,
        headers: {},
        body: googleErrorBody(503, "The model is overloaded. Please try again later."),
      };
  }
}
