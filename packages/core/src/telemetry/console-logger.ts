import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { formatEvent } from "./format-event.js";

export interface ConsoleLoggerOptions {
  /** The hub to subscribe to. Default: the global `events` hub. */
  events?: EventHub;
  /** Receives each formatted line. Default `console.log`. */
  write?: (line: string) => void;
  /** ANSI colors: on, off, or `"auto"` (on when stdout is a terminal and `NO_COLOR` is unset). Default `"auto"`. */
  colors?: boolean | "auto";
  /** Keeps only the events it returns true for. Default: all. */
  filter?: (event: KeelEvent) => boolean;
}

/** True where a terminal shows colors. Feature-detected, so it is simply false off Node. */
function terminalHasColors(): boolean {
  const proc = (
    globalThis as { process?: { stdout?: { isTTY?: boolean }; env?: Record<string, string | undefined> } }
  ).process;
  return proc?.stdout?.isTTY === true && proc.env?.NO_COLOR === undefined;
}

/**
 * A development logger: prints one line per event, colored by outcome on a terminal.
 * Returns a function that unsubscribes.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): () => void {
  const write = options.write ?? ((line: string) => console.log(line));
  const colors =
    options.colors === "auto" || options.colors === undefined ? terminalHasColors() : options.colors;
  const { filter } = options;
  return (options.events ?? globalEvents).on((event) => {
    if (!filter || filter(event)) write(formatEvent(event, { colors }));
  });
}
