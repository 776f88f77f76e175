import { type KeelError, OverloadedError } from "@keel/core";
import { errorFromHttp, errorInfoOf } from "@keel/core/provider";

/** How self-hosted servers say they are full: TGI's "Model is overloaded", llama.cpp's free-slot probe, Ollama's full queue. */
const BACKPRESSURE = /overload|capacity|no slot|slot unavailable|queue is full|server busy|too many pending/i;

/**
 * The Keel error for a self-hosted server's HTTP error, through core's status table
 * (`errorFromHttp`), with one refinement for these servers: a 429 or 503 that says the server
 * is full (TGI answers 429 "Model is overloaded" above `--max-concurrent-requests`, llama.cpp
 * 503 when no slot is free, Ollama 503 when its queue is full) is backpressure,
 * `OverloadedError`, which the fleet reroutes without counting it against the endpoint's health.
 */
export function errorFromStatus(
  status: number,
  body: unknown,
  headers: Headers | undefined,
  endpoint: string,
): KeelError {
  const error = errorFromHttp(status, body, headers, endpoint);
  const info = errorInfoOf(body);
  if ((status === 429 || status === 503) && BACKPRESSURE.test(`${info.message ?? ""} ${info.type ?? ""}`))
    return new OverloadedError(error.message, {
      provider: endpoint,
      status,
      body,
      cause: error,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    });
  return error;
}

/** Reads an error response's body as JSON when it is JSON, else as text. */
export async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
