import { InvalidRequestError } from "@keel/core";
import type { ListOptions, NewEvent, ReadOptions, WriteOptions } from "./state-store.js";

/** Default largest value or event batch, as UTF-8 JSON: 1 MiB. */
export const DEFAULT_MAX_VALUE_BYTES = 1 << 20;

const encoder = new TextEncoder();

function strictJson(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value))
    throw new InvalidRequestError(`value holds ${value}, which JSON cannot store`);
  if (typeof value === "function" || typeof value === "symbol")
    throw new InvalidRequestError(`value holds a ${typeof value}, which JSON cannot store`);
  return value;
}

/**
 * The JSON text of a value, checked: JSON-representable (no undefined, functions, symbols,
 * NaN or Infinity, bigints, cycles) and at most `maxBytes` of UTF-8. Throws `InvalidRequestError`.
 */
export function encodeValue(value: unknown, maxBytes: number, what = "value"): string {
  if (value === undefined) throw new InvalidRequestError(`${what} is undefined; store null to mean nothing`);
  let text: string;
  try {
    text = JSON.stringify(value, strictJson);
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    throw new InvalidRequestError(`${what} is not JSON-serializable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Cheap upper bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 > maxBytes) {
    const bytes = encoder.encode(text).length;
    if (bytes > maxBytes)
      throw new InvalidRequestError(`${what} is ${bytes} bytes as JSON; the limit is ${maxBytes}`);
  }
  return text;
}

/** Checks write options; throws `InvalidRequestError`. */
export function checkWriteOptions(options: WriteOptions | undefined): number | undefined {
  const v = options?.expectedVersion;
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0))
    throw new InvalidRequestError(`expectedVersion must be an integer >= 0, got ${v}`);
  return v;
}

/** Checks a sequence-number condition or cursor; throws `InvalidRequestError`. */
export function checkSeq(value: number | undefined, what: string): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
    throw new InvalidRequestError(`${what} must be an integer >= 0, got ${value}`);
  return value;
}

/** Checks a `limit`; throws `InvalidRequestError`. */
export function checkLimit(options: ListOptions | ReadOptions | undefined): number | undefined {
  const limit = options?.limit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0))
    throw new InvalidRequestError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
}

/** Checks and encodes a batch of events: at least one, each with a type, the batch within `maxBytes`. */
export function encodeEvents(events: NewEvent[], maxBytes: number): Array<{ type: string; data: string }> {
  if (!Array.isArray(events) || events.length === 0)
    throw new InvalidRequestError("append needs at least one event");
  let total = 0;
  return events.map((event, i) => {
    if (typeof event?.type !== "string" || event.type.length === 0 || event.type.length > 256)
      throw new InvalidRequestError(`events[${i}].type must be a string of 1 to 256 characters`);
    const data = encodeValue(event.data, maxBytes, `events[${i}].data`);
    total += encoder.encode(data).length;
    if (total > maxBytes) throw new InvalidRequestError(`the events are over ${maxBytes} bytes together`);
    return { type: event.type, data };
  });
}

/** Checks a `maxValueBytes` option. */
export function checkMaxBytes(value: number | undefined): number {
  const v = value ?? DEFAULT_MAX_VALUE_BYTES;
  if (!(Number.isSafeInteger(v) && v > 0))
    throw new InvalidRequestError(`maxValueBytes must be a positive integer, got ${value}`);
  return v;
}
