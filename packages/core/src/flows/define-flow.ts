import type { CheckpointStore } from "./checkpoint-store.js";
import { type FlowResult, type FlowRunOptions, resumeRun, startRun } from "./flow-runner.js";
import type { ContextOf, ContextSpec, FlowDefinition } from "./flow-types.js";
import { type ResumeAllOptions, type ResumeAllResult, resumeAll } from "./resume-all.js";
import { assertValidFlow } from "./validate-flow.js";

/** A validated flow, ready to run and resume. */
export interface Flow<Ctx, S extends string> {
  readonly id: string;
  readonly definition: FlowDefinition<Ctx, S>;
  /** Runs the flow from its initial state until a terminal state; throws `FlowRunError` otherwise. */
  run(input: Ctx, options?: FlowRunOptions): Promise<FlowResult<Ctx, S>>;
  /** Continues a run from its last checkpoint in `store` (after a crash, an abort or a failure). */
  resume(runId: string, options: FlowRunOptions & { store: CheckpointStore }): Promise<FlowResult<Ctx, S>>;
  /**
   * Resumes every run of this flow the store lists as `running` (the sweep after a restart); a
   * corrupt checkpoint is skipped with a `flow.checkpoint.corrupt` event. Needs `store.listRuns`.
   */
  resumeAll(options: ResumeAllOptions): Promise<ResumeAllResult<Ctx, S>>;
}

/**
 * Defines a deterministic state machine. The definition is checked at once: a missing or
 * unknown initial state, transitions to unknown states, unreachable states, no terminal state
 * and the like throw a `FlowDefinitionError` listing every problem.
 *
 * The context type comes from `context`. TypeScript widens string literals returned from
 * block-bodied steps inside this call, so write `{ outcome: "sent" as const }` there.
 */
export function defineFlow<C extends ContextSpec<object>, S extends string>(
  // NoInfer: the context type comes from `context` alone, never from what the steps return.
  definition: FlowDefinition<NoInfer<ContextOf<C>>, S> & { context: C },
): Flow<ContextOf<C>, S> {
  assertValidFlow(definition);
  return {
    id: definition.id,
    definition,
    run: (input, options) => startRun<ContextOf<C>, S>(definition, input, options),
    resume: (runId, options) => resumeRun<ContextOf<C>, S>(definition, runId, options),
    resumeAll: (options) => resumeAll<ContextOf<C>, S>(definition, options),
  };
}
