/**
 * One typed error hierarchy for every provider and middleware.
 *
 * Instance checks (`err instanceof RateLimitedError`) use a `Symbol.for` brand plus the
 * error's `code`, so they hold even when a bundle contains two copies of this package.
 */
const BRAND = Symbol.for("keel.error");

export type KeelErrorCode =
  | "rate-limited"
  | "quota-exhausted"
  | "overloaded"
  | "timeout"
  | "aborted"
  | "network"
  | "authentication"
  | "permission"
  | "invalid-request"
  | "context-length-exceeded"
  | "content-filtered"
  | "output-parse"
  | "provider-unavailable"
  | "budget-exceeded"
  | "circuit-open"
  | "flow-definition"
  | "flow-failed"
  | "checkpoint-corrupt"
  | "mcp-tool"
  | "unknown";

export interface KeelErrorOptions {
  provider?: string;
  status?: number;
  cause?: unknown;
  retryAfterMs?: number;
  /** Overrides the class default, e.g. an unknown error known to be transient. */
  retryable?: boolean;
  /** The provider's own error body, for escape hatches. */
  body?: unknown;
}

/**
 * Each code's error name, spelled out rather than read from the class: a minifier (esbuild,
 * terser) renames classes unless told to keep names, and `err.name` must not turn into "e" in a
 * bundled edge function's logs. A user's subclass keeps its code's name unless it sets its own.
 */
const NAMES: Record<KeelErrorCode, string> = {
  "rate-limited": "RateLimitedError",
  "quota-exhausted": "QuotaExhaustedError",
  overloaded: "OverloadedError",
  timeout: "TimeoutError",
  aborted: "AbortedError",
  network: "NetworkError",
  authentication: "AuthenticationError",
  permission: "PermissionError",
  "invalid-request": "InvalidRequestError",
  "context-length-exceeded": "ContextLengthExceededError",
  "content-filtered": "ContentFilteredError",
  "output-parse": "OutputParseError",
  "provider-unavailable": "ProviderUnavailableError",
  "budget-exceeded": "BudgetExceededError",
  "circuit-open": "CircuitOpenError",
  "flow-definition": "FlowDefinitionError",
  "flow-failed": "FlowRunError",
  "checkpoint-corrupt": "CheckpointCorruptError",
  "mcp-tool": "McpToolError",
  unknown: "KeelError",
};

/** Base class of every error Keel throws. */
export class KeelError extends Error {
  static readonly code: KeelErrorCode = "unknown";
  static readonly retryable: boolean = false;

  readonly code: KeelErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly provider: string | undefined;
  /** Milliseconds the provider asked us to wait before retrying, when it said. */
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;

  constructor(message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as typeof KeelError;
    this.name = NAMES[ctor.code];
    this.code = ctor.code;
    this.retryable = options.retryable ?? ctor.retryable;
    this.status = options.status;
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null || (value as any)[BRAND] !== true) return false;
    return this === KeelError || (value as KeelError).code === this.code;
  }
}

/** 429 with a rate limit that resets; `retryAfterMs` says when. */
export class RateLimitedError extends KeelError {
  static override readonly code = "rate-limited" as const;
  static override readonly retryable = true;
}
/** Billing quota or credit exhausted; waiting does not help. */
export class QuotaExhaustedError extends KeelError {
  static override readonly code = "quota-exhausted" as const;
}
/** The provider is temporarily overloaded (Anthropic 529, 503 with overload). */
export class OverloadedError extends KeelError {
  static override readonly code = "overloaded" as const;
  static override readonly retryable = true;
}
/** The call passed its deadline or a stall timeout. */
export class TimeoutError extends KeelError {
  static override readonly code = "timeout" as const;
  static override readonly retryable = true;
}
/** The caller aborted the call. Never retried. */
export class AbortedError extends KeelError {
  static override readonly code = "aborted" as const;
}
/** The connection failed or was reset. */
export class NetworkError extends KeelError {
  static override readonly code = "network" as const;
  static override readonly retryable = true;
}
/** The API key is missing or invalid (401). */
export class AuthenticationError extends KeelError {
  static override readonly code = "authentication" as const;
}
/** The key may not use this resource (403). */
export class PermissionError extends KeelError {
  static override readonly code = "permission" as const;
}
/** The request is malformed or uses an unsupported option (400, 404, 422). */
export class InvalidRequestError extends KeelError {
  static override readonly code = "invalid-request" as const;
}
/** The prompt plus requested output exceed the model's context window. */
export class ContextLengthExceededError extends KeelError {
  static override readonly code = "context-length-exceeded" as const;
}
/** The provider blocked the prompt or the answer on safety grounds. */
export class ContentFilteredError extends KeelError {
  static override readonly code = "content-filtered" as const;
}
/** The model's output could not be parsed or validated (malformed JSON, schema mismatch, broken stream). */
export class OutputParseError extends KeelError {
  static override readonly code = "output-parse" as const;
}
/** The provider failed (5xx) or is unreachable for now. */
export class ProviderUnavailableError extends KeelError {
  static override readonly code = "provider-unavailable" as const;
  static override readonly retryable = true;
}
/** A cost or token budget would be exceeded by this call. */
export class BudgetExceededError extends KeelError {
  static override readonly code = "budget-exceeded" as const;
}
/** A circuit breaker is open for this model; no request was sent. */
export class CircuitOpenError extends KeelError {
  static override readonly code = "circuit-open" as const;
  static override readonly retryable = true;
}

/** True for any Keel error, from any copy of this package. */
export function isKeelError(value: unknown): value is KeelError {
  return typeof value === "object" && value !== null && (value as any)[BRAND] === true;
}
