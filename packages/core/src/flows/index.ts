export {
  type CheckpointStore,
  checkCheckpoint,
  type EffectRecord,
  type FlowCheckpoint,
  type FlowRunStatus,
  jsonRoundTrip,
  loadCheckpoint,
  matchesRunFilter,
  type RunFilter,
  type StepFailure,
} from "./checkpoint-store.js";
export { defineFlow, type Flow } from "./define-flow.js";
export {
  CheckpointCorruptError,
  FlowDefinitionError,
  type FlowFailureDetails,
  type FlowFailureReason,
  FlowRunError,
} from "./flow-errors.js";
export type { FlowEventType } from "./flow-events.js";
export { edgesOf, type FlowEdge, kindOf, type StateKind } from "./flow-graph.js";
export type { FlowResult, FlowRunOptions } from "./flow-runner.js";
export {
  type CheckRoute,
  type CheckState,
  type ContextOf,
  type ContextSpec,
  type ContextType,
  type FallbackAction,
  type FlowDefinition,
  flowContext,
  type Guard,
  type Next,
  type ParallelState,
  type Patch,
  type RetryPolicy,
  type RouteInfo,
  type StateDefinition,
  type StepAction,
  type StepPolicy,
  type TaskState,
  type TerminalState,
  type Transition,
  type TruncatableKey,
  type TruncateSpec,
  type TruncateState,
  type Verdict,
} from "./flow-types.js";
export { MemoryCheckpointStore } from "./memory-checkpoint-store.js";
export type { ResumeAllOptions, ResumeAllResult } from "./resume-all.js";
export { defaultRetryOn } from "./step-attempts.js";
export type { StepIO } from "./step-io.js";
export { toMermaid } from "./to-mermaid.js";
export {
  estimateTokens,
  type TokenCounter,
  type TruncateResult,
  truncateMessages,
  truncateText,
} from "./truncate.js";
export { assertValidFlow, flowProblems } from "./validate-flow.js";
