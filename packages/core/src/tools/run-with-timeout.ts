import { abortReason } from "../abort.js";
import { TimeoutError } from "../errors.js";

/**
 * Runs `fn` with a signal that fires when `signal` aborts or `timeoutMs` passes, and settles
 * as soon as either happens even if `fn` ignores its signal. A timeout rejects with a
 * `TimeoutError` naming `what`; an abort rejects with the signal's Keel error.
 */
export async function runWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  options: { timeoutMs?: number; signal?: AbortSignal; what: string },
): Promise<T> {
  const controller = new AbortController();
  const parent = options.signal;
  const onAbort = () => controller.abort(abortReason(parent!));
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new TimeoutError(`${options.what} timed out after ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
  let onStop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(abortReason(controller.signal));
    if (controller.signal.aborted) onStop();
    else controller.signal.addEventListener("abort", onStop, { once: true });
  });
  stopped.catch(() => {});
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), stopped]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    parent?.removeEventListener("abort", onAbort);
    controller.signal.removeEventListener("abort", onStop!);
  }
}
