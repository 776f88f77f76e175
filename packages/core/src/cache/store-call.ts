import { linkCallOptions } from "../abort.js";
import { TimeoutError } from "../errors.js";
import type { CallOptions } from "../model.js";

/** What a cache hands a store with each operation: a signal that fires when the caller stops waiting. */
export interface StoreCallOptions {
  /** Fires when the call is aborted, its deadline passes, or the cache's store budget runs out. */
  signal?: AbortSignal;
}

/**
 * Runs one store operation under the call's signal and deadline and a budget of its own: it
 * settles within `budgetMs` even when the store never answers (a stopped or unreachable Redis),
 * rejecting with a `TimeoutError`. The store gets the same signal, so it can drop the work.
 */
export async function callStore<T>(
  run: (options: StoreCallOptions) => Promise<T>,
  budgetMs: number,
  callOptions: CallOptions | undefined,
): Promise<T> {
  const controller = new AbortController();
  const dispose = linkCallOptions(controller, callOptions);
  const timer = setTimeout(
    () => controller.abort(new TimeoutError(`the cache store gave no answer within ${budgetMs} ms`)),
    budgetMs,
  );
  const { signal } = controller;
  try {
    if (signal.aborted) throw signal.reason;
    const operation = run({ signal });
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort);
      // A store that ignores the signal settles later; its late rejection is handled here.
      operation.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  } finally {
    clearTimeout(timer);
    dispose();
  }
}
