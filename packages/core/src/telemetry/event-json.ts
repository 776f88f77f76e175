import type { KeelEvent } from "../events.js";
import { redactSecrets } from "./redact.js";

/** An error as written to logs: what an operator needs, without the provider body or stack. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  status?: number;
  provider?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** The log form of an error: name, message (API keys and secrets redacted) and the Keel fields that are set. */
export function serializeError(error: Error): SerializedError {
  const e = error as Error &
    Partial<Record<"code" | "provider", string>> &
    Partial<Record<"status" | "retryAfterMs", number>> & {
      retryable?: boolean;
    };
  return {
    name: e.name,
    // Providers echo keys in auth errors ("Incorrect API key provided: sk-…").
    message: redactSecrets(e.message),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(typeof e.status === "number" ? { status: e.status } : {}),
    ...(typeof e.provider === "string" ? { provider: e.provider } : {}),
    ...(typeof e.retryable === "boolean" ? { retryable: e.retryable } : {}),
    ...(typeof e.retryAfterMs === "number" ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

const replacer = (_key: string, value: unknown) => (value instanceof Error ? serializeError(value) : value);

/**
 * One event as a single JSON line (no newline). Errors become `SerializedError`s. A payload
 * that cannot be serialized (a cycle, a BigInt) still yields a line, naming the problem.
 */
export function eventToJson(event: KeelEvent): string {
  try {
    return JSON.stringify(event, replacer);
  } catch (error) {
    return JSON.stringify({
      type: event.type,
      time: event.time,
      ...(event.context ? { context: event.context } : {}),
      unserializable: error instanceof Error ? error.message : String(error),
    });
  }
}
