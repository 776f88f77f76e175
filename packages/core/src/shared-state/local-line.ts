import { abortReason } from "../abort.js";

/**
 * This process's FIFO line in front of a shared resource: only the caller at the head asks the
 * shared store, so N waiting calls cost one store round trip per retry instead of N, and a call
 * here is never overtaken by one that arrived after it in the same process.
 */
export class LocalLine {
  readonly #line: Array<() => void> = [];

  /** Callers in line now, the head included. */
  get length(): number {
    return this.#line.length;
  }

  /**
   * Joins the line and resolves when this caller is at its head; the returned function leaves
   * the line (call it exactly once, when done). Aborting before the turn leaves the line and
   * rejects with the signal's Keel error.
   */
  async join(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw abortReason(signal);
    let wake!: () => void;
    const turn = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const entry = () => wake();
    this.#line.push(entry);
    const leave = () => {
      const at = this.#line.indexOf(entry);
      if (at < 0) return;
      this.#line.splice(at, 1);
      if (at === 0) this.#line[0]?.();
    };
    if (this.#line[0] === entry) return leave;
    if (!signal) {
      await turn;
      return leave;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        leave();
        reject(abortReason(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      turn.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
    return leave;
  }
}
