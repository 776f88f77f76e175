import { abortReason, sleep } from "../abort.js";
import { isKeelError, type KeelError } from "../errors.js";
import { toKeelError } from "../to-keel-error.js";
import { runWithTimeout } from "../tools/run-with-timeout.js";
import type { RetryPolicy, StepPolicy } from "./flow-types.js";

/** Observers of a step's attempts, for telemetry. */
export interface AttemptHooks {
  /** The run's signal: its abort stops the step without retry. */
  signal: AbortSignal | undefined;
  /** Names the step in timeout messages. */
  what: string;
  onStart(attempt: number): void;
  onFailure(error: KeelError, attempt: number, willRetry: boolean): void;
}

/** The attempt's own signal and deadline, for the step's io. */
export type Attempt<T> = (attempt: number, signal: AbortSignal, deadline: number | undefined) => Promise<T>;

/**
 * Runs a step with its policy: each attempt under the step's timeout, failed attempts retried
 * with exponential backoff while `retryOn` allows. An abort of the run is rethrown at once.
 * Failures are thrown as Keel errors.
 */
// Written by hand rather than with p-retry: p-retry never retries TypeErrors, which plain-code
// steps throw for ordinary bugs that a retry policy was explicitly asked to cover.
export async function runAttempts<T>(policy: StepPolicy, run: Attempt<T>, hooks: AttemptHooks): Promise<T> {
  const retry = normalizeRetry(policy.retry);
  for (let attempt = 1; ; attempt++) {
    hooks.onStart(attempt);
    try {
      const deadline = policy.timeoutMs === undefined ? undefined : Date.now() + policy.timeoutMs;
      return await runWithTimeout((signal) => run(attempt, signal, deadline), {
        what: hooks.what,
        ...(policy.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      });
    } catch (thrown) {
      if (hooks.signal?.aborted) throw abortReason(hooks.signal);
      const error = toKeelError(thrown);
      const willRetry = attempt < retry.attempts && retry.retryOn(thrown);
      hooks.onFailure(error, attempt, willRetry);
      if (!willRetry) throw error;
      const delay = Math.min(retry.maxDelayMs, retry.delayMs * retry.factor ** (attempt - 1));
      if (delay > 0) await sleep(delay, hooks.signal);
    }
  }
}

/** Default retry filter: Keel errors marked retryable, and errors from plain code. */
export function defaultRetryOn(error: unknown): boolean {
  return isKeelError(error) ? error.retryable : true;
}

function normalizeRetry(retry: StepPolicy["retry"]): Required<RetryPolicy> {
  const policy: RetryPolicy = typeof retry === "number" ? { attempts: retry } : (retry ?? { attempts: 1 });
  return {
    attempts: policy.attempts,
    delayMs: policy.delayMs ?? 200,
    factor: policy.factor ?? 2,
    maxDelayMs: policy.maxDelayMs ?? 10_000,
    retryOn: policy.retryOn ?? defaultRetryOn,
  };
}
