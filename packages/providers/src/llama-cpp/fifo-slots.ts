import { abortReason } from "@keel/core";

/** Gives a slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * A fixed number of slots handed out first come, first served. A llama.cpp context has a fixed
 * number of sequences; calls beyond that wait here instead of failing with "No sequences left".
 * Waiting is abortable: an aborted waiter leaves the line with the signal's Keel error.
 */
export class FifoSlots {
  #free: number;
  readonly #waiters: Array<(release: ReleaseSlot) => void> = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves with a slot once one is free and everyone who came earlier has been served. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#free > 0 && this.#waiters.length === 0) {
      this.#free--;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const grant = (release: ReleaseSlot) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(grant);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(abortReason(signal!));
      };
      this.#waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next(this.#releaser());
      else this.#free++;
    };
  }
}
