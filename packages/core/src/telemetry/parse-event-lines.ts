import { InvalidRequestError } from "../errors.js";

/**
 * An event as read back from a JSON-lines log: the `KeelEvent` shape after a JSON round trip
 * (errors are `SerializedError`s). Fields are read defensively, since logs outlive versions.
 */
export interface LoggedEvent {
  type: string;
  time: number;
  context?: Record<string, string | undefined>;
  [field: string]: unknown;
}

/**
 * Parses a JSON-lines event log (as `jsonLinesLogger` writes it), skipping blank lines, and
 * returns the events in time order. A line that is not an event fails with its line number.
 */
export function parseEventLines(text: string): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidRequestError(`event log line ${i + 1}: not JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
    const e = value as Partial<LoggedEvent> | null;
    if (typeof e !== "object" || e === null || typeof e.type !== "string" || typeof e.time !== "number")
      throw new InvalidRequestError(
        `event log line ${i + 1}: not an event (needs a string "type" and a numeric "time")`,
      );
    out.push(e as LoggedEvent);
  }
  // Stable: events emitted in the same millisecond keep their log order.
  return out.sort((a, b) => a.time - b.time);
}
