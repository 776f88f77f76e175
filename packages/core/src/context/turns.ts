import type { Message } from "../messages.js";

/**
 * A span of messages that must be kept or dropped together: a system message alone, or a turn
 * that starts at a user message and runs to the next one, so an assistant's tool calls always
 * stay with their tool results.
 */
export interface Turn {
  start: number;
  /** Exclusive. */
  end: number;
  system: boolean;
}

/** Splits messages into turns (see `Turn`). */
export function turnsOf(messages: Message[]): Turn[] {
  const turns: Turn[] = [];
  let current: Turn | undefined;
  messages.forEach((m, i) => {
    if (m.role === "system") {
      current = undefined;
      turns.push({ start: i, end: i + 1, system: true });
      return;
    }
    if (!current || m.role === "user") {
      current = { start: i, end: i + 1, system: false };
      turns.push(current);
    } else current.end = i + 1;
  });
  return turns;
}
