import { InvalidRequestError } from "../errors.js";

/** The longest delay a timer can hold; longer ones fire at once in Node and browsers. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Rejects a middleware option that is not a number in range, naming the middleware and the option,
 * so a typo in configuration fails at setup rather than as odd behaviour under load. By default a
 * value must be a finite number from 0 to `MAX_TIMER_MS`.
 */
export function checkNumberOption(
  middleware: string,
  name: string,
  value: number | undefined,
  rule: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {},
): void {
  if (value === undefined) return;
  const { min = 0, max = MAX_TIMER_MS, integer = false, positive = false } = rule;
  const ok =
    typeof value === "number" &&
    value >= min &&
    value <= max &&
    (!positive || value > 0) &&
    (!integer || Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok) {
    const kind = integer ? "an integer" : "a number";
    const range = `${positive ? `> ${min}` : `>= ${min}`}${max === Number.POSITIVE_INFINITY ? "" : ` and <= ${max}`}`;
    throw new InvalidRequestError(
      `${middleware}: option \`${name}\` must be ${kind} ${range}, got ${String(value)}`,
    );
  }
}
