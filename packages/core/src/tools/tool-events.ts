import type { FinishReason, Usage } from "../model.js";

/** How a tool call ended. */
export type ToolOutcome = "ok" | "error" | "timeout" | "denied" | "invalid-arguments" | "unknown-tool";

/** Why an agent loop stopped. */
export type AgentStopReason = "done" | "stop-condition" | "max-steps";

declare module "../events.js" {
  interface KeelEventMap {
    /** The model asked for a tool call (emitted before approval and validation). */
    "tool.called": { tool: string; toolCallId: string; step: number };
    /** A tool call ended; `outcome` says how. */
    "tool.finished": {
      tool: string;
      toolCallId: string;
      step: number;
      outcome: ToolOutcome;
      durationMs: number;
      /** Set when the approver edited the arguments. */
      edited?: boolean;
      /** Set when the argument JSON had to be repaired. */
      repaired?: boolean;
      error?: string;
    };
    /** One model call of an agent loop, with the tool calls it asked for. */
    "agent.step": {
      step: number;
      model: string;
      toolCalls: number;
      finishReason: FinishReason;
      usage: Usage;
      durationMs: number;
    };
    /** An agent loop ended. */
    "agent.finished": { model: string; steps: number; stopReason: AgentStopReason; usage: Usage };
  }
}
