import { InvalidRequestError, type KeelError, OutputParseError } from "@keel/core";
import type { BatchHandle, BatchRequest, BatchResult } from "./types.js";

/** Checks a batch before anything is sent: not empty, within the provider's size, ids unique and well formed. */
export function checkBatchRequests(
  requests: BatchRequest[],
  provider: string,
  limits: { maxRequests: number; idPattern?: RegExp; idRule?: string },
): void {
  const fail = (why: string) => new InvalidRequestError(`${provider} batch: ${why}`, { provider });
  if (!Array.isArray(requests) || requests.length === 0) throw fail("give at least one request");
  if (requests.length > limits.maxRequests)
    throw fail(
      `${requests.length} requests is more than the ${limits.maxRequests} one batch can hold; split them`,
    );
  const seen = new Set<string>();
  for (const item of requests) {
    if (typeof item?.id !== "string" || item.id === "")
      throw fail("every request needs a non-empty string id");
    if (limits.idPattern && !limits.idPattern.test(item.id))
      throw fail(`id ${JSON.stringify(item.id)} is not allowed: ${limits.idRule}`);
    if (seen.has(item.id)) throw fail(`id ${JSON.stringify(item.id)} is used twice; ids must be unique`);
    seen.add(item.id);
  }
}

/** Runs `map` on one request, prefixing any error with the request's id so the caller knows which failed. */
export function mapRequest<T>(id: string, provider: string, map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof InvalidRequestError)
      throw new InvalidRequestError(`batch request ${JSON.stringify(id)}: ${error.message}`, {
        provider,
        cause: error,
      });
    throw error;
  }
}

/**
 * Puts results back in input order. A request with no result line gets `missing(id)`; a line for
 * an id the handle does not know means the handle and the batch do not match.
 */
export function inInputOrder(
  handle: BatchHandle,
  found: Map<string, Omit<BatchResult, "id">>,
  missing: (id: string) => KeelError,
): BatchResult[] {
  const known = new Set(handle.ids);
  for (const id of found.keys())
    if (!known.has(id))
      throw new OutputParseError(
        `${handle.provider} batch ${handle.batchId} returned a result for ${JSON.stringify(id)}, which this handle does not list; is it the handle of another batch?`,
        { provider: handle.provider },
      );
  return handle.ids.map((id) => ({ id, ...(found.get(id) ?? { error: missing(id) }) }));
}

/** Splits JSONL text into parsed lines; a line that is not JSON is an OutputParseError naming the file. */
export function parseJsonl(text: string, provider: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line));
    } catch (error) {
      throw new OutputParseError(`${provider}: line ${index + 1} of ${source} is not JSON`, {
        provider,
        cause: error,
      });
    }
  }
  return out;
}
