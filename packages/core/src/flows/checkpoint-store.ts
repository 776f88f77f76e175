import type { FlowFailureReason } from "./flow-errors.js";

/** `running` runs can be resumed; `failed` runs resume by re-running the failed state. */
export type FlowRunStatus = "running" | "completed" | "failed";

/** A step failure, as stored. */
export interface StepFailure {
  state: string;
  stepId: string;
  code: string;
  message: string;
}

/** Everything needed to continue a run: saved after every step. All fields are JSON values. */
export interface FlowCheckpoint {
  runId: string;
  flowId: string;
  status: FlowRunStatus;
  /** The state to run next; for a completed run the terminal state; for a failed run the state that failed. */
  state: string;
  context: unknown;
  /** Steps completed. */
  step: number;
  /** States run so far, in order. */
  path: string[];
  /** Failed checks per evaluation state, for their retry bound. */
  checkFailures: Record<string, number>;
  /** Why `state` was entered through a fallback, when it was. */
  fallbackError?: StepFailure;
  /** Why the run failed, when it did. */
  failure?: StepFailure & { reason: FlowFailureReason };
  tenant?: string;
  /** Milliseconds since epoch. */
  updatedAt: number;
}

/** A recorded side-effect result; `value` is what `io.once` returned. */
export interface EffectRecord {
  value: unknown;
}

/**
 * Where flow runs persist. Implementations must make each call durable before it resolves and
 * store values as JSON (a loaded value equals `JSON.parse(JSON.stringify(saved))`).
 */
export interface CheckpointStore {
  /** Replaces the run's checkpoint. */
  save(checkpoint: FlowCheckpoint): Promise<void>;
  /** The run's latest checkpoint, or undefined for an unknown run. */
  load(runId: string): Promise<FlowCheckpoint | undefined>;
  /** The recorded result of a side effect, or undefined when it has not completed. */
  loadEffect(runId: string, key: string): Promise<EffectRecord | undefined>;
  /** Records a side effect's result. */
  saveEffect(runId: string, key: string, value: unknown): Promise<void>;
  /** Forgets a run: its checkpoint and effects. */
  delete(runId: string): Promise<void>;
  /** Ids of stored runs, e.g. the `running` ones to resume after a restart. Optional. */
  listRuns?(filter?: RunFilter): Promise<string[]>;
}

/** Narrows `listRuns`. */
export interface RunFilter {
  flowId?: string;
  status?: FlowRunStatus;
}

/** True when a checkpoint matches a run filter. */
export function matchesRunFilter(checkpoint: FlowCheckpoint, filter: RunFilter = {}): boolean {
  return (
    (filter.flowId === undefined || checkpoint.flowId === filter.flowId) &&
    (filter.status === undefined || checkpoint.status === filter.status)
  );
}

/** The JSON form of a value, as a store gives it back. */
export function jsonRoundTrip<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
