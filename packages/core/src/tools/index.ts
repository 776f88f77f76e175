export {
  type Approval,
  type ApprovalDecision,
  type ApprovalHook,
  type ApprovalRequest,
  decideApproval,
} from "./approval.js";
export { executeToolCall, type ToolCallEnvironment, type ToolCallRecord } from "./execute-tool-call.js";
export { mapLimit } from "./map-limit.js";
export {
  type AgentStep,
  type RunToolsOptions,
  type RunToolsResult,
  runTools,
  stopOnToolCall,
} from "./run-tools.js";
export { runWithTimeout } from "./run-with-timeout.js";
export { type AnyTool, type Tool, type ToolContext, tool } from "./tool.js";
export { readToolArguments, type ToolArguments, validateToolArguments } from "./tool-arguments.js";
export { toToolDefinition } from "./tool-definition.js";
export type { AgentStopReason, ToolOutcome } from "./tool-events.js";
