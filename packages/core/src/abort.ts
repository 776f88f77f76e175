import { AbortedError, KeelError, TimeoutError } from "./errors.js";
import type { CallOptions } from "./model.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A signal that fires when the caller aborts or the deadline passes, whichever comes first.
 * Its `reason` is a Keel `AbortedError` or `TimeoutError`. Call `dispose` to clear the timer.
 */
export function callSignal(options: CallOptions | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  return { signal: controller.signal, dispose: linkCallOptions(controller, options) };
}

/**
 * Aborts `controller` when the caller aborts or the deadline passes, as `callSignal` does, for
 * code that must also abort the same controller for reasons of its own (one signal instead of
 * two joined with `AbortSignal.any`, which is costly on hot paths). Returns the cleanup function.
 */
export function linkCallOptions(controller: AbortController, options: CallOptions | undefined): () => void {
  const parent = options?.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => controller.abort(abortReason(parent!));
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  if (options?.deadline !== undefined && !controller.signal.aborted) {
    const ms = options.deadline - Date.now();
    const fire = () =>
      controller.abort(new TimeoutError(`deadline passed (${new Date(options.deadline!).toISOString()})`));
    // setTimeout overflows past 2^31-1 ms (~24.8 days) and would fire at once: re-arm in steps.
    const arm = (): void => {
      const left = options.deadline! - Date.now();
      if (left <= 0) fire();
      else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    if (ms <= 0) fire();
    else arm();
  }
  return () => {
    if (timer) clearTimeout(timer);
    parent?.removeEventListener("abort", onAbort);
  };
}

/** The Keel error an aborted signal stands for. */
export function abortReason(signal: AbortSignal): KeelError {
  const reason = signal.reason;
  if (reason instanceof KeelError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError")
    return new TimeoutError(reason.message, { cause: reason });
  return new AbortedError("the call was aborted", { cause: reason });
}

/** Resolves after `ms`, or rejects with the signal's Keel error when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The earlier of two optional deadlines. */
export function earliestDeadline(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
