import { InvalidRequestError, type KeelError } from "../errors.js";
import { events as globalEvents } from "../events.js";
import { toKeelError } from "../to-keel-error.js";
import type { CheckpointStore } from "./checkpoint-store.js";
import { CheckpointCorruptError } from "./flow-errors.js";
import { type FlowResult, type FlowRunOptions, resumeRun } from "./flow-runner.js";
import type { FlowDefinition } from "./flow-types.js";

/** Options of `flow.resumeAll`: those of `flow.resume` but the run id, and a store that lists runs. */
export type ResumeAllOptions = Omit<FlowRunOptions, "runId"> & { store: CheckpointStore };

/** What `flow.resumeAll` did with each run it found. */
export interface ResumeAllResult<Ctx, S extends string> {
  /** Runs that reached a terminal state. */
  completed: FlowResult<Ctx, S>[];
  /** Runs that failed again; their checkpoints record why, and they can be resumed later. */
  failed: Array<{ runId: string; error: KeelError }>;
  /** Runs skipped because their checkpoint cannot be read back, each with a `flow.checkpoint.corrupt` event. */
  corrupt: CheckpointCorruptError[];
}

/**
 * The sweep after a restart: resumes, one after another, every run of this flow that the store
 * lists as `running`. A corrupt checkpoint does not stop the sweep: the run is skipped with a
 * `flow.checkpoint.corrupt` event and listed in `corrupt`. The caller's abort stops it.
 */
export async function resumeAll<Ctx, S extends string>(
  def: FlowDefinition<Ctx, S>,
  options: ResumeAllOptions,
): Promise<ResumeAllResult<Ctx, S>> {
  const store = options.store;
  if (typeof store?.listRuns !== "function")
    throw new InvalidRequestError(`flow "${def.id}": resumeAll needs a store with listRuns`);
  const hub = options.events ?? globalEvents;
  const result: ResumeAllResult<Ctx, S> = { completed: [], failed: [], corrupt: [] };
  for (const runId of await store.listRuns({ flowId: def.id, status: "running" })) {
    try {
      result.completed.push(await resumeRun(def, runId, { ...options, store }));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof CheckpointCorruptError) {
        hub.emit(
          "flow.checkpoint.corrupt",
          { message: error.message, error },
          { flowId: def.id, runId, ...(options.tenant !== undefined ? { tenant: options.tenant } : {}) },
        );
        result.corrupt.push(error);
      } else result.failed.push({ runId, error: toKeelError(error) });
    }
  }
  return result;
}
