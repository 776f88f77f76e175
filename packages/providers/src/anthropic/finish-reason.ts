import type { FinishReason } from "@keel/core";

/** Maps Anthropic's `stop_reason` to Keel's finish reason. */
export function toFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      // pause_turn (a server tool paused the turn), and reasons added after this was written.
      return "other";
  }
}
