import type { KeelError } from "../errors.js";
import type { CheckpointCorruptError } from "./flow-errors.js";
import type { CheckRoute } from "./flow-types.js";

// Every flow event carries `context: { flowId, runId, stepId? }`; payloads hold the rest.
declare module "../events.js" {
  interface KeelEventMap {
    /** A run started, or resumed from a checkpoint. */
    "flow.started": { state: string; step: number; resumed: boolean };
    /** An attempt of a step started. */
    "flow.step.started": { state: string; step: number; attempt: number };
    /** An attempt of a step failed. */
    "flow.step.failed": {
      state: string;
      step: number;
      attempt: number;
      error: KeelError;
      willRetry: boolean;
    };
    /** A step finished and was checkpointed; `next` is the state chosen, absent for terminal states. */
    "flow.step.finished": {
      state: string;
      step: number;
      next?: string;
      outcome: "ok" | "fallback";
      durationMs: number;
    };
    /** An evaluation step judged the context. */
    "flow.check.evaluated": {
      state: string;
      pass: boolean;
      route: CheckRoute;
      failures: number;
      score?: number;
    };
    /** A truncation step cut its input to the budget. */
    "flow.truncated": {
      state: string;
      tokensBefore: number;
      tokensAfter: number;
      removed: number;
      unit: "messages" | "characters";
    };
    /** A run reached a terminal state, or failed. */
    "flow.finished": { state: string; steps: number; status: "completed" | "failed"; reason?: string };
    /** `flow.resumeAll` skipped a run whose checkpoint cannot be read back. */
    "flow.checkpoint.corrupt": { message: string; error: CheckpointCorruptError };
  }
}

/** The telemetry events flows emit. */
export type FlowEventType =
  | "flow.started"
  | "flow.step.started"
  | "flow.step.failed"
  | "flow.step.finished"
  | "flow.check.evaluated"
  | "flow.truncated"
  | "flow.finished"
  | "flow.checkpoint.corrupt";
