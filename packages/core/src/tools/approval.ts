import type { ToolCallPart } from "../messages.js";
import type { AnyTool } from "./tool.js";

/** A call waiting for a decision: the tool, the model's call, and its validated input. */
export interface ApprovalRequest {
  tool: AnyTool;
  call: ToolCallPart;
  input: unknown;
  /** What the tool's `needsApproval` says about this input. */
  needsApproval: boolean;
  /** The agent step (1-based) that asked for the call. */
  step: number;
}

/**
 * Allow the call, deny it (the model is told why), or run it with edited arguments (validated
 * again). `true` / `false` are shorthands for allow / deny.
 */
export type ApprovalDecision =
  | boolean
  | { action: "allow" }
  | { action: "deny"; reason?: string }
  | { action: "edit"; arguments: unknown };

/** Decides on each tool call before it runs. */
export type ApprovalHook = (request: ApprovalRequest) => ApprovalDecision | Promise<ApprovalDecision>;

/** The normalized form of a decision. */
export type Approval =
  | { action: "allow" }
  | { action: "deny"; reason: string }
  | { action: "edit"; arguments: unknown };

/**
 * Asks the hook about a call. Without a hook, calls that need approval are denied (safe
 * default) and others allowed. A hook that throws denies the call.
 */
export async function decideApproval(
  hook: ApprovalHook | undefined,
  request: ApprovalRequest,
): Promise<Approval> {
  if (!hook)
    return request.needsApproval
      ? { action: "deny", reason: "this tool needs approval and no approver is configured" }
      : { action: "allow" };
  let decision: ApprovalDecision;
  try {
    decision = await hook(request);
  } catch (error) {
    return {
      action: "deny",
      reason: `the approver failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (decision === true) return { action: "allow" };
  if (decision === false) return { action: "deny", reason: "the call was not approved" };
  if (decision.action === "deny")
    return { action: "deny", reason: decision.reason ?? "the call was not approved" };
  return decision;
}
