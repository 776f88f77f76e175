import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { eventToJson } from "./event-json.js";

export interface JsonLinesLoggerOptions {
  /** Receives each event as one JSON line, without the trailing newline. */
  write: (line: string) => void;
  /** The hub to subscribe to. Default: the global `events` hub. */
  events?: EventHub;
  /** Keeps only the events it returns true for. Default: all. */
  filter?: (event: KeelEvent) => boolean;
}

/**
 * Writes every event of a hub as one JSON line, for production logs and for `keel trace`.
 * Runs anywhere: `write` decides where lines go (a file, stdout, a log shipper).
 * Returns a function that unsubscribes.
 */
export function jsonLinesLogger(options: JsonLinesLoggerOptions): () => void {
  const { write, filter } = options;
  return (options.events ?? globalEvents).on((event) => {
    if (!filter || filter(event)) write(eventToJson(event));
  });
}
