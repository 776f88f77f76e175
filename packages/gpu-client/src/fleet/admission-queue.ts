/** A request waiting for an endpoint with room for it. */
export interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly enqueuedAt: number;
  /** Tries to place the request now; true when it was placed (and the waiter settled). */
  tryPlace(): boolean;
}

/**
 * The client-side admission queue: waiters in priority order (higher first), first come first
 * served within a priority. `pump` places as many as fit, in order; a waiter that cannot be
 * placed does not block lower ones whose request may fit elsewhere (a smaller request, another
 * adapter).
 */
export class AdmissionQueue {
  readonly #waiters: Waiter[] = [];

  get length(): number {
    return this.#waiters.length;
  }

  add(waiter: Waiter): void {
    let i = this.#waiters.length;
    while (i > 0) {
      const w = this.#waiters[i - 1]!;
      if (w.priority > waiter.priority || (w.priority === waiter.priority && w.seq < waiter.seq)) break;
      i--;
    }
    this.#waiters.splice(i, 0, waiter);
  }

  remove(waiter: Waiter): boolean {
    const i = this.#waiters.indexOf(waiter);
    if (i < 0) return false;
    this.#waiters.splice(i, 1);
    return true;
  }

  /** Places every waiter that fits now, highest priority first. */
  pump(): void {
    for (let i = 0; i < this.#waiters.length; ) {
      if (this.#waiters[i]!.tryPlace()) this.#waiters.splice(i, 1);
      else i++;
    }
  }
}
