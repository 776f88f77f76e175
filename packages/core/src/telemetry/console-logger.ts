import { type EventHub, events as globalEvents, type KeelEvent } from "../events.js";
import { eventTone, summarizeEvent } from "./format-event.js";

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

const TONES = { error: "31", warn: "33", ok: "32", flow: "35", info: "36" } as const;
const paint = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** `run=… step=… tenant=…`, the unit of work an event belongs to. */
function contextText(event: KeelEvent): string {
  const c = event.context;
  if (!c) return "";
  return Object.entries(c)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace(/Id$/, "")}=${v}`)
    .join(" ");
}

/** One readable line for an event: UTC time, type, summary, context. */
export function formatEvent(event: KeelEvent, options: { colors?: boolean } = {}): string {
  const time = new Date(event.time).toISOString().slice(11, 23);
  const type = event.type.padEnd(20);
  const summary = summarizeEvent(event);
  const context = contextText(event);
  if (!options.colors) return [time, type, summary, context].filter(Boolean).join("  ");
  return [paint("2", time), paint(TONES[eventTone(event)], type), summary, context && paint("2", context)]
    .filter(Boolean)
    .join("  ");
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
