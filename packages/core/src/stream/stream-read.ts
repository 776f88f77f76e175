import type { StreamEvent } from "../model.js";

/** What a stream layer's handler for one read gives back: a step now, or one to come. */
export type StepResult = IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>>;

/** The reader's handlers for one read, as `next().then(onStep, onError)` takes them. */
export type OnStep<R> = (step: IteratorResult<StreamEvent>) => R | PromiseLike<R>;
export type OnError<R> = (error: unknown) => R | PromiseLike<R>;

/**
 * An event iterator that can run its reader's handlers inside its own `then`: `readThen(f, g)`
 * behaves as `next().then(f, g)` without a promise of its own. Every Keel stream layer (the
 * adapter's chunk source, `createModelStream`, `retry`, `timeout`) implements it, so a stack of
 * them costs one `then` per chunk instead of one per layer per chunk: on a 100-chunk stream that
 * is hundreds of promises and microtasks fewer, which the overhead bench measures.
 *
 * Implementing it is also a promise: a read in flight ends promptly once the signal the stream
 * was given fires. Layers above (`timeout`, `retry`) rely on that and stop racing such reads
 * against the signal; a layer over a source that does not keep it must race (`AbortRacedReads`)
 * or not be fusable.
 */
export interface FusableIterator extends AsyncIterableIterator<StreamEvent> {
  readThen<R>(onStep: OnStep<R>, onError: OnError<R>): Promise<R>;
}

/** `iterator.next().then(onStep, onError)`, fused into the iterator's own `then` when it can be. */
export function readThen<R>(
  iterator: AsyncIterator<StreamEvent>,
  onStep: OnStep<R>,
  onError: OnError<R>,
): Promise<R> {
  const fusable = iterator as Partial<FusableIterator>;
  return typeof fusable.readThen === "function"
    ? fusable.readThen(onStep, onError)
    : iterator.next().then(onStep, onError);
}

/** True when reads of `iterator` can be fused (it is one of Keel's own stream layers). */
export function isFusable(iterator: AsyncIterator<StreamEvent>): boolean {
  return typeof (iterator as Partial<FusableIterator>).readThen === "function";
}

/**
 * Runs a layer's own handler on `input`, then the reader's: what
 * `Promise.resolve(input).then(own).then(onStep, onError)` does, without the promises when the
 * layer answers at once. A throw from `own` goes to `onError`; one from `onStep` is the reader's.
 */
export function thenStep<T, R>(
  own: (input: T) => StepResult,
  input: T,
  onStep: OnStep<R>,
  onError: OnError<R>,
): R | PromiseLike<R> {
  let result: StepResult;
  try {
    result = own(input);
  } catch (error) {
    return onError(error);
  }
  return result instanceof Promise ? result.then(onStep, onError) : onStep(result);
}

/**
 * A layer's reads of its source, with the layer's own handlers run first and the reader's after,
 * in the source's `then`. The composed handlers are made once per reader rather than per read: a
 * reader passes the same handlers every time (`next()` passes `asIs` and `rethrow`), so a stream
 * of any length allocates no closures per event here.
 */
export class ReadThrough {
  readonly #ownStep: (step: IteratorResult<StreamEvent>) => StepResult;
  readonly #ownError: (error: unknown) => StepResult;
  #forStep: OnStep<unknown> | undefined;
  #forError: OnError<unknown> | undefined;
  #step!: (step: IteratorResult<StreamEvent>) => unknown;
  #error!: (error: unknown) => unknown;

  constructor(
    ownStep: (step: IteratorResult<StreamEvent>) => StepResult,
    ownError: (error: unknown) => StepResult,
  ) {
    this.#ownStep = ownStep;
    this.#ownError = ownError;
  }

  /** `source.next().then(own).then(onStep, onError)`, in one `then` when `source` is fusable. */
  read<R>(source: AsyncIterator<StreamEvent>, onStep: OnStep<R>, onError: OnError<R>): Promise<R> {
    this.#compose(onStep, onError);
    return readThen(source, this.#step as OnStep<R>, this.#error as OnError<R>);
  }

  /** The same, for a read that is already under way. */
  after<R>(
    pending: Promise<IteratorResult<StreamEvent>>,
    onStep: OnStep<R>,
    onError: OnError<R>,
  ): Promise<R> {
    this.#compose(onStep, onError);
    return pending.then(this.#step as OnStep<R>, this.#error as OnError<R>);
  }

  #compose<R>(onStep: OnStep<R>, onError: OnError<R>): void {
    if (onStep === this.#forStep && onError === this.#forError) return;
    this.#forStep = onStep as OnStep<unknown>;
    this.#forError = onError as OnError<unknown>;
    const ownStep = this.#ownStep;
    const ownError = this.#ownError;
    this.#step = (step) => thenStep(ownStep, step, onStep, onError);
    this.#error = (error) => thenStep(ownError, error, onStep, onError);
  }
}

/** A step (or a failure) handed to the reader's handlers later, as a `then` would. */
export function settleWith<R>(step: StepResult, onStep: OnStep<R>, onError: OnError<R>): Promise<R> {
  return Promise.resolve(step).then(onStep, onError);
}

/** The reader's handlers of a plain `next()`: the step as it is, a failure as it is. */
export const asIs = <T>(value: T): T => value;
export const rethrow = (error: unknown): never => {
  throw error;
};

/**
 * Reads of a source that may not honour its abort signal (an async generator, or a stream that
 * is not Keel's), each raced against the signal, so a read in flight ends as soon as the signal
 * fires. One abort listener serves every read of the stream; each read costs one promise. Keel's
 * own fusable layers end their reads on abort themselves and are read directly instead.
 */
export class AbortRacedReads {
  #reject: ((error: unknown) => void) | undefined;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => this.#reject?.(this.#signal.reason);

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Removes the abort listener (needed when the signal outlives the stream). */
  dispose(): void {
    this.#signal.removeEventListener("abort", this.#onAbort);
  }

  /** `source.next()`, or a rejection with the signal's reason if it fires first. */
  next(source: AsyncIterator<StreamEvent>): Promise<IteratorResult<StreamEvent>> {
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      source.next().then(
        (step) => {
          this.#reject = undefined;
          resolve(step);
        },
        (error: unknown) => {
          this.#reject = undefined;
          reject(error);
        },
      );
    });
  }
}
