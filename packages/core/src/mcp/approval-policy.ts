import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";

/**
 * Which MCP tools need approval before they run (see `RunToolsOptions.approve`).
 * `destructive`: those the server marks `destructiveHint: true` (and not read-only).
 * `unless-read-only`: all but those marked `readOnlyHint: true` (the spec's own default reading:
 * an unannotated tool may be destructive). `always` / `never`, or a function of the tool.
 * Annotations come from the server and are hints, not guarantees.
 */
export type McpApprovalPolicy =
  | "destructive"
  | "unless-read-only"
  | "always"
  | "never"
  | ((tool: McpTool) => boolean);

/** Whether a tool needs approval under a policy. */
export function needsApproval(tool: McpTool, policy: McpApprovalPolicy): boolean {
  const a = tool.annotations;
  if (typeof policy === "function") return policy(tool);
  switch (policy) {
    case "always":
      return true;
    case "never":
      return false;
    case "unless-read-only":
      return a?.readOnlyHint !== true;
    case "destructive":
      return a?.destructiveHint === true && a.readOnlyHint !== true;
  }
}
