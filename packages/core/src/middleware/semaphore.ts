import { abortReason } from "../abort.js";

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * A counting semaphore with a strict FIFO wait queue: a freed slot passes straight to the
 * longest waiter, so a newcomer never overtakes the queue. Waiting is abortable.
 */
export class Semaphore {
  #free: number;
  readonly #waiters: Array<(release: Release) => void> = [];

  constructor(readonly max: number) {
    this.#free = max;
  }

  /** Calls holding a slot now. */
  get inFlight(): number {
    return this.max - this.#free;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Takes a slot if one is free and nobody is waiting; otherwise returns undefined. */
  tryAcquire(): Release | undefined {
    if (this.#free === 0 || this.#waiters.length > 0) return undefined;
    this.#free--;
    return this.#releaser();
  }

  /** Waits in line for a slot. Aborting `signal` leaves the line and rejects with the signal's Keel error. */
  acquire(signal?: AbortSignal): Promise<Release> {
    // An already-aborted caller gets no slot, even a free one.
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise<Release>((resolve, reject) => {
      const grant = (release: Release) => {
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

  #releaser(): Release {
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
