import type { StreamEvent } from "@keel/core";

/** How a chunked provider stream becomes Keel events. */
export interface ChunkEventSourceInit<C> {
  /** Sends the request and resolves to its chunks; a failure goes through `toError`. */
  open: () => Promise<AsyncIterator<C>>;
  /** The events for one chunk; a throw closes the chunks and goes through `toError`. */
  map: (chunk: C) => StreamEvent[];
  /** The error the stream fails with when opening, reading or mapping fails. */
  toError: (error: unknown) => unknown;
  /** The closing events, called once the chunks have ended; a throw fails the stream as is. */
  end: () => StreamEvent[];
  /** Runs once every event has been handed out. */
  done?: () => void;
}

const DONE: IteratorResult<StreamEvent> = { value: undefined, done: true };

/**
 * The events of a chunked stream, as an iterator written by hand rather than an async generator
 * that loops over the chunks: each chunk costs one `then` instead of a generator's await and
 * yield hops, which matters because it runs for every chunk of every stream. Behaves like
 * `for await (const chunk of open()) yield* map(chunk); yield* end(); done()`, with failures
 * while opening, reading or mapping passed through `toError`.
 */
export function chunkEventSource<C>(init: ChunkEventSourceInit<C>): AsyncIterableIterator<StreamEvent> {
  let chunks: AsyncIterator<C> | undefined;
  let phase: "idle" | "reading" | "ending" | "closed" = "idle";
  // Events of the current chunk (or the closing ones) not handed out yet.
  let pending: StreamEvent[] = [];
  let index = 0;

  const failed = (error: unknown): never => {
    phase = "closed";
    throw init.toError(error);
  };
  const pull = (): Promise<IteratorResult<StreamEvent>> => chunks!.next().then(onChunk, failed);
  /** A mapping failure: close the chunks first, as a `for await` loop would, then fail. */
  const closeAndFail = async (error: unknown): Promise<never> => {
    phase = "closed";
    try {
      await chunks!.return?.();
    } catch {
      // The mapping failure is the one to report.
    }
    throw init.toError(error);
  };
  const handOut = (events: StreamEvent[]): IteratorResult<StreamEvent> => {
    pending = events;
    index = 1;
    return { value: events[0]!, done: false };
  };
  function onChunk(
    step: IteratorResult<C>,
  ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> {
    if (phase !== "reading") return DONE;
    if (step.done) {
      phase = "ending";
      const events = init.end();
      return events.length > 0 ? handOut(events) : finish();
    }
    let events: StreamEvent[];
    try {
      events = init.map(step.value);
    } catch (error) {
      return closeAndFail(error);
    }
    return events.length > 0 ? handOut(events) : pull();
  }
  const finish = (): IteratorResult<StreamEvent> => {
    phase = "closed";
    init.done?.();
    return DONE;
  };

  return {
    next() {
      if (index < pending.length) return Promise.resolve({ value: pending[index++]!, done: false });
      switch (phase) {
        case "idle":
          phase = "reading";
          // Through a promise, so that `open` throwing synchronously fails the stream the same way.
          return new Promise<AsyncIterator<C>>((resolve) => resolve(init.open())).then((opened) => {
            chunks = opened;
            return pull();
          }, failed);
        case "reading":
          return pull();
        case "ending":
          return Promise.resolve(finish());
        default:
          return Promise.resolve(DONE);
      }
    },
    async return() {
      const reading = phase === "reading";
      phase = "closed";
      pending = [];
      index = 0;
      // Stopped mid-stream: close the chunks (the SDK cancels the request), as a `for await` would.
      if (reading) await chunks?.return?.();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
