import type { ErrorResponse, TextResponse } from "./types.js";

/** How one request in a batch turns out: an answer, an HTTP error, or never run. */
export type BatchItemScript =
  /** A synthesized answer in the batch's protocol (as a live call would get). */
  | TextResponse
  /** An error answer: OpenAI puts it in the error file, Anthropic reports the item `errored`. */
  | ErrorResponse
  /** The batch's 24 h window closed before the item ran. */
  | { expired: true }
  /** The batch was cancelled before the item ran. */
  | { canceled: true };

/** How the next batch created on the test server behaves. */
export interface BatchScript {
  /** Retrieves answered "still running" before the batch reports its end (default 0). */
  pollsBeforeEnd?: number;
  /**
   * How the batch ends (default `completed`). With `expired` or `cancelled`, items without a
   * script of their own expire or are cancelled. `failed` is an OpenAI input-file validation
   * failure (`errors` set, no output files); Anthropic validates at create time instead.
   */
  outcome?: "completed" | "expired" | "cancelled" | "failed";
  /** Each item's outcome by custom_id (a record, or a function of the item); default a text answer "ok". */
  items?:
    | Record<string, BatchItemScript>
    | ((item: { customId: string; body: any }) => BatchItemScript | undefined);
}

/** Scripting and inspection of the batch APIs the test server emulates. */
export interface BatchControl {
  /** Queue behaviours; each batch created takes the next one, then the default (done on the first poll, every item "ok"). */
  enqueue(...scripts: BatchScript[]): void;
  /** How many times each batch was retrieved (polled), by batch id. */
  polls(batchId: string): number;
  /** Clears scripts, files and batches. */
  reset(): void;
}
