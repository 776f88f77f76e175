import { AbortedError, events, InvalidRequestError, type KeelError, TimeoutError } from "@keel/core";
import { sleep, toKeelError } from "@keel/core/provider";
import type { BatchProgress, WaitOptions } from "./types.js";

declare module "@keel/core" {
  interface KeelEventMap {
    /** A batch was polled; `nextPollMs` is absent once it ended. */
    "batch.polled": BatchProgress;
  }
}

/** What one poll of a batch found. */
export interface PollState<T> {
  value: T;
  status: string;
  ended: boolean;
  counts?: BatchProgress["counts"];
}

const DEFAULTS = {
  pollIntervalMs: 5_000,
  maxPollIntervalMs: 60_000,
  backoffFactor: 1.5,
  maxWaitMs: 25 * 3_600_000,
};

/**
 * Polls `retrieve` until it reports the batch ended: the wait starts at `pollIntervalMs` and grows
 * by `backoffFactor` up to `maxPollIntervalMs`. A retryable failure of one poll (429, 5xx, a
 * dropped connection) is a missed poll, not the end: polling goes on, waiting at least as long
 * as the provider asked. Throws `TimeoutError` past `maxWaitMs` and `AbortedError` on abort.
 */
export async function pollUntilEnded<T>(
  provider: string,
  batchId: string,
  retrieve: (signal: AbortSignal | undefined) => Promise<PollState<T>>,
  options: WaitOptions = {},
): Promise<T> {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  checkOptions(settings, provider);
  const { signal } = options;
  const giveUpAt = Date.now() + settings.maxWaitMs;
  let delay = settings.pollIntervalMs;
  let lastError: KeelError | undefined;
  for (let poll = 1; ; poll++) {
    if (signal?.aborted) throw aborted(provider, batchId, signal.reason);
    let state: PollState<T> | undefined;
    let wait = delay;
    try {
      state = await retrieve(signal);
    } catch (thrown) {
      const error = toKeelError(thrown, provider);
      if (signal?.aborted) throw aborted(provider, batchId, signal.reason);
      if (!error.retryable) throw error;
      lastError = error;
      wait = Math.max(delay, error.retryAfterMs ?? 0);
    }
    const progress: BatchProgress = {
      provider,
      batchId,
      status: state?.status ?? `poll failed: ${lastError?.message}`,
      poll,
      ...(state?.counts ? { counts: state.counts } : {}),
      ...(state?.ended ? {} : { nextPollMs: wait }),
    };
    events.emit("batch.polled", progress);
    options.onPoll?.(progress);
    if (state?.ended) return state.value;
    if (Date.now() + wait > giveUpAt)
      throw new TimeoutError(
        `${provider} batch ${batchId} has not ended after ${settings.maxWaitMs} ms (last status: ${progress.status}); ` +
          "it keeps running: call waitForBatch with the same handle later",
        { provider, retryable: false, ...(lastError ? { cause: lastError } : {}) },
      );
    try {
      await sleep(wait, signal);
    } catch {
      throw aborted(provider, batchId, signal?.reason);
    }
    delay = Math.min(settings.maxPollIntervalMs, delay * settings.backoffFactor);
  }
}

function aborted(provider: string, batchId: string, reason: unknown): AbortedError {
  return new AbortedError(
    `stopped waiting for ${provider} batch ${batchId}; the batch itself keeps running`,
    {
      provider,
      cause: reason,
    },
  );
}

function definedOnly(options: WaitOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>)
    if (options[key] !== undefined) out[key] = options[key];
  return out;
}

function checkOptions(settings: typeof DEFAULTS, provider: string): void {
  for (const [key, value] of Object.entries(settings))
    if (!(typeof value === "number" && Number.isFinite(value) && value >= 0))
      throw new InvalidRequestError(`waitForBatch: ${key} must be a non-negative number, got ${value}`, {
        provider,
      });
  if (settings.backoffFactor < 1)
    throw new InvalidRequestError(
      `waitForBatch: backoffFactor must be at least 1, got ${settings.backoffFactor}`,
      {
        provider,
      },
    );
}
