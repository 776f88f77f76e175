/**
 * Passes values from one producer to one async-iterating consumer, one at a time. `push` resolves
 * only when the consumer asks for the next value, so the producer never runs ahead of the
 * consumer (backpressure). Used to stream events out of a callback-driven retry loop.
 */
export class Handoff<T> implements AsyncIterable<T> {
  #pending: { value: T; taken: () => void } | undefined;
  #end: { failed: false } | { failed: true; error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #consumerGone = false;

  /** Offers a value; resolves once it is consumed, or at once if the consumer has gone or the handoff ended. */
  push(value: T): Promise<void> {
    if (this.#consumerGone || this.#end) return Promise.resolve();
    return new Promise<void>((taken) => {
      this.#pending = { value, taken };
      this.#notify();
    });
  }

  /** Ends the sequence normally after the value in flight. */
  end(): void {
    this.#end ??= { failed: false };
    this.#notify();
  }

  /** Ends the sequence with `error`, thrown to the consumer after the value in flight. */
  fail(error: unknown): void {
    this.#end ??= { failed: true, error };
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        const item = this.#pending;
        if (item) {
          yield item.value;
          this.#pending = undefined;
          item.taken();
          continue;
        }
        if (this.#end) {
          if (this.#end.failed) throw this.#end.error;
          return;
        }
        await new Promise<void>((wake) => {
          this.#wake = wake;
        });
      }
    } finally {
      // The consumer stopped (or the sequence ended): never leave the producer waiting.
      this.#consumerGone = true;
      this.#pending?.taken();
      this.#pending = undefined;
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
