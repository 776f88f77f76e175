import type { KeelError, ModelRequest, ModelResponse } from "@keel/core";

/** One request to run in a batch, with the id its result comes back under. */
export interface BatchRequest {
  id: string;
  request: ModelRequest;
}

/**
 * A submitted batch. Plain JSON: store it and call `waitForBatch` again from another process
 * (batches run for up to 24 hours).
 */
export interface BatchHandle {
  provider: string;
  /** The provider's batch id (`batch_…`, `msgbatch_…`). */
  batchId: string;
  /** The model every request ran on. */
  model: string;
  /** Request ids in input order; results come back in this order. */
  ids: string[];
  /** Anthropic: the forced JSON tool of the requests whose structured output goes through one, by id. */
  jsonToolNames?: Record<string, string>;
}

/** One request's outcome: a response exactly as a live `generate` would give, or its typed error. */
export interface BatchResult {
  id: string;
  response?: ModelResponse;
  error?: KeelError;
}

/** How far a batch has come, as reported on each poll. */
export interface BatchProgress {
  provider: string;
  batchId: string;
  /** The provider's status (`validating`, `in_progress`, `finalizing`, `completed`, … / `in_progress`, `canceling`, `ended`). */
  status: string;
  /** Polls made so far, this one included. */
  poll: number;
  /** Requests done so far and in total, when the provider reports them. */
  counts?: { done: number; failed: number; total: number };
  /** Wait before the next poll; absent when this poll found the batch ended. */
  nextPollMs?: number;
}

/** Options of `submitBatch`. */
export interface SubmitOptions {
  /** OpenAI batch metadata (at most 16 keys); ignored by Anthropic, which has none. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/** Options of `waitForBatch`. */
export interface WaitOptions {
  /** First wait between polls (default 5 000 ms); it grows by `backoffFactor` after each poll. */
  pollIntervalMs?: number;
  /** Longest wait between polls (default 60 000 ms). */
  maxPollIntervalMs?: number;
  /** Growth of the wait between polls (default 1.5). */
  backoffFactor?: number;
  /**
   * Give up waiting after this long (default 25 hours: the 24 h window plus finalizing) with a
   * `TimeoutError`. The batch keeps running; wait for the same handle again later.
   */
  maxWaitMs?: number;
  /** Stops waiting (an `AbortedError`); the batch itself keeps running; see `cancelBatch`. */
  signal?: AbortSignal;
  /** Called after every poll (progress displays). */
  onPoll?: (progress: BatchProgress) => void;
}

/** Runs many model requests through a provider's batch API, at about half the price, in hours instead of seconds. */
export interface BatchClient {
  readonly provider: string;
  readonly model: string;
  /** Validates and maps every request, submits them as one batch, and returns its handle. */
  submitBatch(requests: BatchRequest[], options?: SubmitOptions): Promise<BatchHandle>;
  /** Polls with backoff until the batch ends, then returns one result per request, in input order. */
  waitForBatch(handle: BatchHandle, options?: WaitOptions): Promise<BatchResult[]>;
  /** Asks the provider to cancel the batch; requests that already ran keep their results. */
  cancelBatch(handle: BatchHandle, options?: { signal?: AbortSignal }): Promise<void>;
}
