import type { StreamEvent } from "../model.js";

const CONTENT_TYPES: ReadonlySet<StreamEvent["type"]> = new Set([
  "text-delta",
  "reasoning-delta",
  "tool-call-delta",
  "tool-call",
]);

/**
 * True for events that carry part of the answer (text, reasoning, tool calls). Once one has reached
 * the caller, restarting the call would repeat or contradict what they already have.
 */
export function isContentEvent(event: StreamEvent): boolean {
  return CONTENT_TYPES.has(event.type);
}
