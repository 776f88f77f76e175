import { OutputParseError } from "@keel/core";
import { createParser } from "eventsource-parser";

/**
 * The JSON payloads of a server-sent-event body, parsed by `eventsource-parser`, up to OpenAI's
 * `[DONE]`. A payload that is not JSON fails the read with `OutputParseError`; a body that ends
 * without `[DONE]` simply ends (the chunk mapper decides whether that was a truncation).
 * `return()` cancels the body, which closes the connection and stops the server's generation.
 */
export function sseJson(
  body: ReadableStream<Uint8Array> | null,
  endpoint: string,
): AsyncIterator<Record<string, unknown>> {
  if (body === null)
    throw new OutputParseError(`${endpoint} answered an event stream with no body`, { provider: endpoint });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue: Record<string, unknown>[] = [];
  let failure: unknown;
  let ended = false;
  let closed = false;
  const parser = createParser({
    onEvent(event) {
      if (ended) return;
      if (event.data === "[DONE]") {
        ended = true;
        return;
      }
      try {
        queue.push(JSON.parse(event.data));
      } catch {
        failure ??= new OutputParseError(
          `${endpoint} sent an event that is not JSON: ${event.data.slice(0, 200)}`,
          {
            provider: endpoint,
            body: event.data,
          },
        );
        ended = true;
      }
    },
  });
  const done: IteratorResult<Record<string, unknown>> = { value: undefined, done: true };
  return {
    async next() {
      while (queue.length === 0) {
        if (failure !== undefined) {
          closed = true;
          reader.cancel().catch(() => {});
          throw failure;
        }
        if (closed) return done;
        const step = await reader.read();
        if (step.done) {
          closed = true;
          parser.feed(decoder.decode());
        } else parser.feed(decoder.decode(step.value, { stream: true }));
      }
      return { value: queue.shift()!, done: false };
    },
    async return() {
      queue.length = 0;
      if (!closed) {
        closed = true;
        await reader.cancel().catch(() => {});
      }
      return done;
    },
  };
}
