import type { ContextStrategy } from "./fit-state.js";
import { type MiddleOptions, middleTurns } from "./middle.js";

/**
 * Keeps the system prompt, pinned messages, the first `keepFirst` and the last `keepRecent`
 * turns, and drops whole turns from the middle, oldest first, until the request fits.
 */
export function dropMiddle(options: MiddleOptions = {}): ContextStrategy {
  return {
    name: "drop-middle",
    apply(state) {
      const candidates = middleTurns(state, options);
      const drop = new Set<number>();
      let over = state.tokens() - state.maxInputTokens;
      for (const turn of candidates) {
        if (over <= 0) break;
        for (let i = turn.start; i < turn.end; i++) drop.add(i);
        over -= turn.tokens;
      }
      if (drop.size === 0) return;
      const kept = state.messages.filter((_, i) => !drop.has(i));
      state.commit(
        "drop-middle",
        kept,
        `${drop.size} messages from the middle of the conversation`,
        drop.size,
      );
    },
  };
}
