export type { Approval, ApprovalDecision, ApprovalHook, ApprovalRequest } from "./approval.js";
export type { ToolCallRecord } from "./execute-tool-call.js";
export {
  type AgentStep,
  type RunToolsOptions,
  type RunToolsResult,
  runTools,
  stopOnToolCall,
} from "./run-tools.js";
export { type AnyTool, type Tool, type ToolContext, tool } from "./tool.js";
export { toToolDefinition } from "./tool-definition.js";
export type { AgentStopReason, ToolOutcome } from "./tool-events.js";
