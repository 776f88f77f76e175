import {
  AbortedError,
  AuthenticationError,
  isKeelError,
  type KeelError,
  NetworkError,
  OutputParseError,
  TimeoutError,
} from "@keel/core";
import { abortReason, errorFromHttp, toKeelError } from "@keel/core/provider";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from "./sdk.js";

export const PROVIDER = "openai";

/**
 * Maps anything the OpenAI SDK throws into the Keel error hierarchy. When the call's signal has
 * fired, the signal's reason wins (AbortedError, or TimeoutError for a deadline), whatever
 * error the SDK raised on the way out. `provider` names an OpenAI-compatible host instead.
 */
export function toOpenAIError(error: unknown, signal?: AbortSignal, provider: string = PROVIDER): KeelError {
  if (isKeelError(error)) return error;
  if (signal?.aborted) return abortReason(signal);
  const options = { provider, cause: error };
  const name = provider === PROVIDER ? "OpenAI" : provider;
  if (error instanceof APIUserAbortError) return new AbortedError(`the ${name} request was aborted`, options);
  if (error instanceof APIConnectionTimeoutError)
    return new TimeoutError(`the ${name} request timed out (SDK timeout)`, options);
  if (error instanceof APIConnectionError)
    return new NetworkError(`could not reach ${name}: ${causeMessage(error)}`, options);
  if (error instanceof APIError)
    return errorFromHttp(error.status, error.error, error.headers, provider, { cause: error });
  // A body broken on the way (cut short, a malformed SSE line) says nothing about the next attempt.
  if (error instanceof SyntaxError)
    return new OutputParseError(`${name} sent data that is not valid JSON: ${error.message}`, {
      ...options,
      retryable: true,
    });
  // fetch reports a failed or cut connection as a TypeError with the socket error as its cause.
  if (error instanceof TypeError && error.cause !== undefined)
    return new NetworkError(`the connection to ${name} failed: ${causeMessage(error)}`, options);
  // Any other TypeError comes from the SDK reading an answer that is not the JSON it expects.
  if (error instanceof TypeError)
    return new OutputParseError(`${name}'s answer could not be read: ${error.message}`, {
      ...options,
      retryable: true,
    });
  if (error instanceof OpenAIError && /api[_ ]?key/i.test(error.message))
    return new AuthenticationError(error.message, options);
  return toKeelError(error, provider);
}

function causeMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
