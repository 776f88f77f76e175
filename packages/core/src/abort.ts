import { AbortedError, KeelError, TimeoutError } from "./errors.js";
import type { CallOptions } from "./model.js";
import { validateCallOptions } from "./validate-request.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Signals Keel made for one call, each with the time it fires by at the latest (Infinity: no
 * deadline). Such a signal dies with its call, so an inner layer may hand it to an SDK as is (the
 * `openai` SDK never removes the listener it adds to a signal it is given, which on a caller's
 * long-lived signal would pile up), and when it already fires by the call's deadline the inner
 * layer needs no timer of its own. A caller's own signal is never in here.
 */
const callScoped = new WeakMap<AbortSignal, number>();

/** Records that `signal` belongs to one call and fires by `firesBy` (epoch ms) at the latest. */
export function markCallScoped(signal: AbortSignal, firesBy: number | undefined): void {
  callScoped.set(signal, firesBy ?? Number.POSITIVE_INFINITY);
}

/**
 * A signal that fires when the caller aborts or the deadline passes, whichever comes first.
 * Its `reason` is a Keel `AbortedError` or `TimeoutError`. Call `dispose` to clear the timer.
 * When the caller's signal is one Keel made for this call and already fires by the deadline
 * (a `timeout` further out made it), that signal is returned as is: no controller, no timer.
 */
export function callSignal(options: CallOptions | undefined): { signal: AbortSignal; dispose: () => void } {
  const parent = options?.signal;
  if (parent && firesByDeadline(parent, options?.deadline)) return { signal: parent, dispose: noop };
  const controller = new AbortController();
  return { signal: controller.signal, dispose: linkCallOptions(controller, options) };
}

function noop(): void {}

/** True when `signal` is call-scoped and fires by `deadline` (or there is none). */
function firesByDeadline(signal: AbortSignal, deadline: number | undefined): boolean {
  const firesBy = callScoped.get(signal);
  return firesBy !== undefined && (deadline === undefined || firesBy <= deadline);
}

/**
 * Aborts `controller` when the caller aborts or the deadline passes, as `callSignal` does, for
 * code that must also abort the same controller for reasons of its own (one signal instead of
 * two joined with `AbortSignal.any`, which is costly on hot paths). Returns the cleanup function.
 * The controller must belong to one call: its signal is marked call-scoped. Throws
 * `InvalidRequestError` for malformed options (a `deadline` that is not a time, a `signal` that
 * is not an AbortSignal).
 */
export function linkCallOptions(controller: AbortController, options: CallOptions | undefined): () => void {
  // Every model call passes here before it sends anything: a NaN deadline must not mean "none".
  validateCallOptions(options);
  const parent = options?.signal;
  const deadline = options?.deadline;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => controller.abort(abortReason(parent!));
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  const inherited = parent ? callScoped.get(parent) : undefined;
  markCallScoped(controller.signal, earliestDeadline(deadline, inherited));
  // No timer when the parent already fires by the deadline: one timer per call is enough.
  if (
    deadline !== undefined &&
    !controller.signal.aborted &&
    !(inherited !== undefined && inherited <= deadline)
  ) {
    const ms = deadline - Date.now();
    const fire = () =>
      controller.abort(new TimeoutError(`deadline passed (${new Date(deadline).toISOString()})`));
    // setTimeout overflows past 2^31-1 ms (~24.8 days) and would fire at once: re-arm in steps.
    const arm = (): void => {
      const left = deadline - Date.now();
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
  return cancellableSleep(ms, signal).done;
}

/**
 * `sleep` that its owner can also end early: `cancel` resolves `done` at once (the owner has
 * stopped caring, so there is nothing to reject with), without a controller of its own.
 */
export function cancellableSleep(
  ms: number,
  signal?: AbortSignal,
): { done: Promise<void>; cancel: () => void } {
  let cancel!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      cancel = noop;
      return reject(abortReason(signal));
    }
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      end();
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      end();
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    cancel = () => {
      end();
      resolve();
    };
  });
  return { done, cancel };
}

/** The earlier of two optional deadlines. */
export function earliestDeadline(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
