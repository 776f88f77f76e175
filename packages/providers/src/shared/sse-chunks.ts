import { createParser, type EventSourceMessage } from "eventsource-parser";

/** What `parse` returns for the event that ends a stream (OpenAI's `[DONE]`). */
export const SSE_END: unique symbol = Symbol("keel.sse-end");

/** How one server-sent event becomes a chunk: the chunk, `undefined` to skip it, or `SSE_END`. */
export type SseParse<C> = (event: EventSourceMessage) => C | undefined | typeof SSE_END;

const DONE: IteratorResult<never> = { value: undefined, done: true };

/**
 * The chunks of a server-sent-event body, read straight from the response: one `read()` per
 * network packet, parsed by `eventsource-parser` into events, each turned into a chunk by
 * `parse` (which may throw: the read fails with that error).
 *
 * Why not the SDK's own stream: the `openai` SDK turns a body into chunks through four nested
 * async generators and copies the bytes twice per packet; that work was most of the raw client's
 * CPU on a streamed answer (see bench/src/overhead). The SDK still builds, sends and checks the
 * request (`asResponse()`), so its errors for a failed request are unchanged.
 *
 * After `SSE_END` the rest of the body is still read to its end (and ignored), so the connection
 * goes back to the pool instead of being cut. `return()` cancels the body, which closes the
 * connection: an abandoned stream stops the server's generation. A read in flight fails when the
 * request's signal fires (fetch errors the body), so this needs no signal of its own.
 */
export function sseChunks<C>(body: ReadableStream<Uint8Array> | null, parse: SseParse<C>): AsyncIterator<C> {
  if (body === null) throw new TypeError("the event stream has no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // Chunks parsed from the packets read so far and not handed out yet.
  let queue: C[] = [];
  let index = 0;
  let ended = false; // `SSE_END` seen: later events are ignored
  let closed = false; // the body is done (read to its end, cancelled or failed)
  // `parse` refused an event: thrown once the chunks before it have been handed out.
  let failure: { error: unknown } | undefined;
  const parser = createParser({
    onEvent(event) {
      if (ended) return;
      try {
        const chunk = parse(event);
        if (chunk === SSE_END) ended = true;
        else if (chunk !== undefined) queue.push(chunk);
      } catch (error) {
        ended = true;
        failure = { error };
      }
    },
  });

  function take(): IteratorResult<C> {
    const value = queue[index++]!;
    if (index === queue.length) {
      queue = [];
      index = 0;
    }
    return { value, done: false };
  }

  function onRead(
    step: ReadableStreamReadResult<Uint8Array>,
  ): IteratorResult<C> | Promise<IteratorResult<C>> {
    if (step.done) {
      closed = true;
      if (!ended) parser.feed(decoder.decode());
    } else if (!ended) {
      // After SSE_END the rest of the body is only drained: nothing in it is decoded or parsed.
      parser.feed(decoder.decode(step.value, { stream: true }));
      if (failure !== undefined) {
        // The stream has failed: stop reading it.
        closed = true;
        reader.cancel().catch(() => {});
      }
    }
    if (index < queue.length) return take();
    if (failure !== undefined) throw failure.error;
    return closed ? DONE : reader.read().then(onRead, failed);
  }
  function failed(error: unknown): never {
    closed = true;
    throw error;
  }

  return {
    next(): Promise<IteratorResult<C>> {
      if (index < queue.length) return Promise.resolve(take());
      if (failure !== undefined) return Promise.reject(failure.error);
      if (closed) return Promise.resolve(DONE);
      return reader.read().then(onRead, failed);
    },
    async return(): Promise<IteratorResult<C>> {
      queue = [];
      index = 0;
      if (!closed) {
        closed = true;
        await reader.cancel().catch(() => {});
      }
      return DONE;
    },
  };
}
