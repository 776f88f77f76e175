import { type CallOptions, OutputParseError } from "@keel/core";
import { errorFromHttp, errorInfoOf } from "@keel/core/provider";
import type { OpenAI } from "openai";
import { SSE_END, sseChunks } from "../shared/sse-chunks.js";
import { preview } from "./chat-stream-mapper.js";
import { PROVIDER } from "./errors.js";
import { APIError } from "./sdk.js";

/** Per-request options the SDK accepts. */
export type RequestOptions = NonNullable<Parameters<OpenAI["chat"]["completions"]["create"]>[1]>;

/** SDK request options for one call: the call's signal (abort and deadline cancel the HTTP request) and extra headers. */
export function requestOptions(signal: AbortSignal, options: CallOptions | undefined): RequestOptions {
  return options?.headers ? { signal, headers: options.headers } : { signal };
}

/**
 * Checks that a streamed answer really is an event stream before reading it. A 200 with another
 * content type (a proxy's HTML page, a JSON error) becomes a typed error and the body is released.
 */
export async function assertEventStream(response: Response, provider: string = PROVIDER): Promise<void> {
  const type = response.headers.get("content-type");
  if (type === null || type.includes("text/event-stream")) return;
  const text = await response.text().catch(() => "");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (json !== undefined && errorInfoOf(json).message !== undefined && (json as { error?: unknown }).error)
    throw errorFromHttp(undefined, json, response.headers, provider);
  throw new OutputParseError(
    `${provider === PROVIDER ? "OpenAI" : provider} answered a stream request with ${type} instead of an event stream: ${preview(text)}`,
    // Usually a proxy's or gateway's page: another attempt or endpoint may get the real answer.
    { provider, status: response.status, retryable: true },
  );
}

/**
 * The JSON chunks of an OpenAI event stream, read the way the SDK's own `Stream` reads them:
 * `[DONE]` ends it, a chunk carrying `error` fails it with the SDK's `APIError` (mapped like any
 * other), and a line that is not JSON fails it with a `SyntaxError`.
 */
export function openAIStreamChunks<C>(response: Response): AsyncIterator<C> {
  return sseChunks<C>(response.body, (event) => {
    if (event.data.startsWith("[DONE]")) return SSE_END;
    const data = JSON.parse(event.data) as { error?: unknown } | null;
    if (data?.error) throw new APIError(undefined, data.error as object, undefined, response.headers);
    return data as C;
  });
}
