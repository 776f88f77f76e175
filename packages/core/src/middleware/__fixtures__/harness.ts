import type { KeelError } from "../../errors.js";
import { EventHub, type KeelEvent } from "../../events.js";
import type { ModelStream, StreamEvent } from "../../model.js";

/** Never rejects, so a pending call cannot become an unhandled rejection while timers advance. */
export function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: KeelError) => ({ ok: false as const, error }),
  );
}

/** A private event hub and what it has seen, by type. */
export function recordEvents() {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const of = (type: KeelEvent["type"]) => seen.filter((e) => e.type === type);
  return { hub, seen, of };
}

/** Reads a stream to its end: the events it handed out and the error it ended with, if any. */
export async function drain(stream: ModelStream) {
  const seen: StreamEvent[] = [];
  try {
    for await (const event of stream) seen.push(event);
    return { seen, error: undefined };
  } catch (error) {
    return { seen, error: error as KeelError };
  }
}
