import type { FitState } from "./fit-state.js";

export interface MiddleOptions {
  /** Conversation turns kept at the start, after the system prompt (default 0). */
  keepFirst?: number;
  /** Most recent turns always kept (default 2). */
  keepRecent?: number;
}

/** The turns a "middle" strategy may cut, oldest first: not system, not pinned, outside the kept ends. */
export function middleTurns(state: FitState, options: MiddleOptions) {
  const keepFirst = options.keepFirst ?? 0;
  const keepRecent = options.keepRecent ?? 2;
  const conversation = state.turns().filter((t) => !t.system);
  return conversation
    .slice(keepFirst, Math.max(keepFirst, conversation.length - keepRecent))
    .filter((t) => !t.pinned);
}
