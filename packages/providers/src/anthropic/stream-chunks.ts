import type { ErrorType } from "@anthropic-ai/sdk/resources/shared";
import { sseChunks } from "../shared/sse-chunks.js";
import { APIError } from "./sdk.js";

/**
 * The JSON events of an Anthropic Messages stream, read the way the SDK's own `Stream` reads
 * them: `ping` and unnamed events are skipped, an `error` event fails the stream with the SDK's
 * `APIError` (mapped like any other), and a data line that is not JSON fails it with a
 * `SyntaxError`.
 */
export function anthropicStreamChunks(response: Response): AsyncIterator<unknown> {
  return sseChunks<unknown>(response.body, (event) => {
    if (event.event === undefined || event.event === "ping") return undefined;
    if (event.event === "error") {
      const body = parseOrText(event.data);
      const type = (body as { error?: { type?: ErrorType } } | null)?.error?.type;
      throw new APIError(undefined, body as object, undefined, response.headers, type);
    }
    return event.data ? JSON.parse(event.data) : undefined;
  });
}

function parseOrText(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
