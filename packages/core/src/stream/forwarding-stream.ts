import type { KeelError } from "../errors.js";
import type { ModelResponse, ModelStream, StreamEvent } from "../model.js";

/** Settles a forwarding stream's `response`. */
export interface ResponseSettler {
  resolve: (response: ModelResponse) => void;
  reject: (error: KeelError) => void;
}

/**
 * A `ModelStream` around a hand-written iterator: iterate-once, and `response` alone drives the
 * iterator to its end. `start` builds the iterator (at the first read, or when `response` is
 * first asked for) and must settle `response`. `createModelStream` builds on it; so do the
 * forwarding middleware (`retry`, `timeout`), which report the inner stream's own response rather
 * than re-aggregating every event on the hot path.
 */
export function forwardingStream(
  start: (settle: ResponseSettler) => AsyncIterableIterator<StreamEvent>,
): ModelStream {
  let settle!: ResponseSettler;
  const response = new Promise<ModelResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Callers who only iterate never await `response`; its rejection must not be unhandled.
  response.catch(() => {});
  let started = false;
  const run = () => start(settle);
  return {
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError("a ModelStream can be iterated only once");
      started = true;
      return run();
    },
    get response() {
      if (!started) {
        started = true;
        void (async () => {
          try {
            for await (const _ of run());
          } catch {
            // Surfaced through `response`.
          }
        })();
      }
      return response;
    },
  };
}
