import type { StreamEvent } from "../model.js";
import {
  asIs,
  type FusableIterator,
  type OnError,
  type OnStep,
  rethrow,
  type StepResult,
  thenStep,
} from "./stream-read.js";

/** How a chunked provider stream (an SDK's parsed server-sent events) becomes Keel events. */
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
 * The events of a chunked stream, for an adapter's `createModelStream` producer. It is an
 * iterator written by hand rather than an async generator looping over the chunks: each chunk
 * costs one `then` (shared with every Keel layer above it, see `FusableIterator`) instead of a
 * generator's await and yield hops, and this runs for every chunk of every stream. Behaves like
 * `for await (const chunk of open()) yield* map(chunk); yield* end(); done()`, with failures
 * while opening, reading or mapping passed through `toError`.
 */
export function chunkEventSource<C>(init: ChunkEventSourceInit<C>): FusableIterator {
  let chunks: AsyncIterator<C> | undefined;
  let phase: "idle" | "reading" | "ending" | "closed" = "idle";
  // Events of the current chunk (or the closing ones) not handed out yet.
  let pending: StreamEvent[] = [];
  let index = 0;

  const failed = (error: unknown): never => {
    phase = "closed";
    throw init.toError(error);
  };
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
  const finish = (): IteratorResult<StreamEvent> => {
    phase = "closed";
    init.done?.();
    return DONE;
  };
  function onChunk(step: IteratorResult<C>): StepResult {
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
    return events.length > 0 ? handOut(events) : pullChunk();
  }
  /** The next chunk's first event (chunks without events are skipped). */
  const pullChunk = (): Promise<IteratorResult<StreamEvent>> => chunks!.next().then(onChunk, failed);

  // The reader's handlers composed with ours, made once per reader (see `ReadThrough`).
  let forStep: OnStep<unknown> | undefined;
  let forError: OnError<unknown> | undefined;
  let composedStep: (step: IteratorResult<C>) => unknown;
  let composedError: (error: unknown) => unknown;
  function compose<R>(onStep: OnStep<R>, onError: OnError<R>): void {
    if (onStep === forStep && onError === forError) return;
    forStep = onStep as OnStep<unknown>;
    forError = onError as OnError<unknown>;
    composedStep = (step) => thenStep(onChunk, step, onStep, onError);
    composedError = (error) => thenStep(failed, error, onStep, onError);
  }

  /** One read, with the reader's handlers run in the chunk's own `then`. */
  function readThen<R>(onStep: OnStep<R>, onError: OnError<R>): Promise<R> {
    if (index < pending.length)
      return Promise.resolve({ value: pending[index++]!, done: false }).then(onStep);
    switch (phase) {
      case "idle":
        phase = "reading";
        // Through a promise, so that `open` throwing synchronously fails the stream the same way.
        return new Promise<AsyncIterator<C>>((resolve) => resolve(init.open())).then(
          (opened) => {
            chunks = opened;
            return pullChunk().then(onStep, onError);
          },
          (error) => thenStep(failed, error, onStep, onError),
        );
      case "reading":
        compose(onStep, onError);
        return chunks!.next().then(composedStep, composedError) as Promise<R>;
      case "ending":
        return Promise.resolve(finish()).then(onStep);
      default:
        return Promise.resolve(DONE).then(onStep);
    }
  }

  return {
    next: () => readThen(asIs, rethrow),
    readThen,
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
