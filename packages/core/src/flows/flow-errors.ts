import { KeelError, type KeelErrorOptions } from "../errors.js";

/** A flow definition that cannot run; `problems` lists every problem found, one sentence each. */
export class FlowDefinitionError extends KeelError {
  static override readonly code = "flow-definition" as const;
  readonly flowId: string;
  readonly problems: string[];

  constructor(flowId: string, problems: string[]) {
    super(`flow "${flowId}" is invalid:\n- ${problems.join("\n- ")}`);
    this.flowId = flowId;
    this.problems = problems;
  }
}

/**
 * Why a flow run stopped without reaching a terminal state:
 * - `step-failed`: a step threw after its retries and had no fallback (`cause` is the error);
 * - `no-transition`: no guarded transition matched the context after a step;
 * - `step-limit`: the run used `maxSteps` steps without reaching a terminal state;
 * - `invalid-context`: the input or a step's result does not match the context schema;
 * - `run-not-found` / `run-exists`: resume of an unknown run, or a new run with a used id;
 * - `flow-mismatch`: the checkpoint belongs to another flow or to a state this flow lacks.
 */
export type FlowFailureReason =
  | "step-failed"
  | "no-transition"
  | "step-limit"
  | "invalid-context"
  | "run-not-found"
  | "run-exists"
  | "flow-mismatch";

/** Where a flow run failed. */
export interface FlowFailureDetails {
  flowId: string;
  runId?: string;
  state?: string;
  stepId?: string;
}

/** A flow run that stopped without reaching a terminal state; `reason` says why. */
export class FlowRunError extends KeelError {
  static override readonly code = "flow-failed" as const;
  readonly reason: FlowFailureReason;
  readonly flowId: string;
  readonly runId: string | undefined;
  readonly state: string | undefined;
  readonly stepId: string | undefined;

  constructor(
    reason: FlowFailureReason,
    message: string,
    details: FlowFailureDetails,
    options: KeelErrorOptions = {},
  ) {
    super(message, options);
    this.reason = reason;
    this.flowId = details.flowId;
    this.runId = details.runId;
    this.state = details.state;
    this.stepId = details.stepId;
  }
}

/**
 * A stored checkpoint that cannot be read back: bytes that are not JSON (a truncated file, a
 * damaged row) or JSON without the fields a checkpoint has. Names the run; `cause` is the parse
 * error when there was one. Not retryable: the same bytes fail the same way.
 */
export class CheckpointCorruptError extends KeelError {
  static override readonly code = "checkpoint-corrupt" as const;
  readonly runId: string;

  constructor(runId: string, problem: string, options: KeelErrorOptions = {}) {
    super(`the checkpoint of run "${runId}" is corrupt: ${problem}`, options);
    this.runId = runId;
  }
}
