import {
  AuthenticationError,
  InvalidRequestError,
  KeelError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
} from "../errors.js";
import { retryAfterFromHeaders } from "../retry-after.js";
import { toKeelError } from "../to-keel-error.js";
import type { CountableRequest } from "./message-tokens.js";
import { anthropicCountBody, geminiCountBody } from "./remote-bodies.js";

export interface RemoteCountOptions {
  provider: "anthropic" | "gemini";
  /** The provider's model id, e.g. "claude-sonnet-4-5" or "gemini-2.5-flash". */
  model: string;
  apiKey: string;
  /** Defaults to the provider's public endpoint; point it at a proxy or a test server. */
  baseUrl?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
}

const DEFAULT_BASE = {
  anthropic: "https://api.anthropic.com",
  gemini: "https://generativelanguage.googleapis.com",
};

function statusError(status: number, message: string, headers: Headers, provider: string): KeelError {
  const options = { provider, status, retryAfterMs: retryAfterFromHeaders(headers) };
  if (status === 401) return new AuthenticationError(message, options);
  if (status === 403) return new PermissionError(message, options);
  if (status === 429) return new RateLimitedError(message, options);
  if (status === 529) return new OverloadedError(message, options);
  if (status >= 500) return new ProviderUnavailableError(message, options);
  return new InvalidRequestError(message, options);
}

/**
 * Asks the provider to count a request's input tokens (Anthropic POST /v1/messages/count_tokens,
 * Gemini models/{model}:countTokens): exact, but one HTTP round trip; use `countMessageTokens`
 * for a free local estimate.
 */
export async function countTokensRemote(
  request: CountableRequest,
  options: RemoteCountOptions,
): Promise<number> {
  const { provider, model, apiKey } = options;
  const base = (options.baseUrl ?? DEFAULT_BASE[provider]).replace(/\/+$/, "");
  const anthropic = provider === "anthropic";
  const url = anthropic
    ? `${base}/v1/messages/count_tokens`
    : `${base}/v1beta/models/${encodeURIComponent(model)}:countTokens`;
  const headers: Record<string, string> = anthropic
    ? { "x-api-key": apiKey, "anthropic-version": "2023-06-01" }
    : { "x-goog-api-key": apiKey };
  const body = anthropic ? anthropicCountBody(request, model) : geminiCountBody(request, model);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers, ...options.headers },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw toKeelError(error, provider);
  }
  const text = await response.text();
  if (!response.ok)
    throw statusError(
      response.status,
      `${provider} count-tokens failed: ${text}`,
      response.headers,
      provider,
    );
  let parsed: { input_tokens?: unknown; totalTokens?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KeelError(`${provider} count-tokens returned invalid JSON: ${text.slice(0, 200)}`, {
      provider,
      cause: error,
    });
  }
  const count = anthropic ? parsed.input_tokens : parsed.totalTokens;
  if (typeof count !== "number")
    throw new KeelError(`${provider} count-tokens response has no token count: ${text.slice(0, 200)}`, {
      provider,
    });
  return count;
}
