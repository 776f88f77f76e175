import type { CallOptions } from "../model.js";

/**
 * True when the caller aborted or its deadline has passed. A failure then says nothing about the
 * model's health, and switching to another model cannot help, so fallback and the breaker ignore it.
 */
export function callerGaveUp(options: CallOptions | undefined): boolean {
  if (options?.signal?.aborted) return true;
  return options?.deadline !== undefined && Date.now() >= options.deadline;
}
