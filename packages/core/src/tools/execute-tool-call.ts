import { abortReason } from "../abort.js";
import { isKeelError } from "../errors.js";
import type { EventHub } from "../events.js";
import type { Message, ToolCallPart, ToolResultPart } from "../messages.js";
import type { CallContext } from "../model.js";
import { type ApprovalHook, decideApproval } from "./approval.js";
import { runWithTimeout } from "./run-with-timeout.js";
import type { AnyTool } from "./tool.js";
import { readToolArguments, validateToolArguments } from "./tool-arguments.js";
import type { ToolOutcome } from "./tool-events.js";

/** What happened to one tool call. */
export interface ToolCallRecord {
  call: ToolCallPart;
  /** The validated input the tool ran with (after any approver edit); absent if it never ran. */
  input?: unknown;
  /** What was sent back to the model. */
  result: ToolResultPart;
  outcome: ToolOutcome;
  /** Fixes applied to malformed argument JSON. */
  repairs: string[];
  edited: boolean;
  durationMs: number;
}

/** Everything a tool call needs from the loop that runs it. */
export interface ToolCallEnvironment {
  tools: ReadonlyMap<string, AnyTool>;
  step: number;
  messages: readonly Message[];
  approve?: ApprovalHook;
  defaultTimeoutMs?: number;
  signal?: AbortSignal;
  context?: CallContext;
  events: EventHub;
}

/**
 * Runs one tool call and turns every failure (unknown tool, bad arguments, denial, timeout,
 * thrown error) into an error result for the model. Only an abort of the whole run throws.
 */
export async function executeToolCall(call: ToolCallPart, env: ToolCallEnvironment): Promise<ToolCallRecord> {
  const started = Date.now();
  env.events.emit("tool.called", { tool: call.name, toolCallId: call.id, step: env.step }, env.context);
  let repairs: string[] = [];
  let edited = false;
  let input: unknown;
  const finish = (outcome: ToolOutcome, result: unknown, error?: string): ToolCallRecord => {
    const durationMs = Date.now() - started;
    const isError = outcome !== "ok";
    env.events.emit(
      "tool.finished",
      {
        tool: call.name,
        toolCallId: call.id,
        step: env.step,
        outcome,
        durationMs,
        ...(edited ? { edited } : {}),
        ...(repairs.length ? { repaired: true } : {}),
        ...(error !== undefined ? { error } : {}),
      },
      env.context,
    );
    return {
      call,
      ...(outcome === "ok" || outcome === "error" || outcome === "timeout" ? { input } : {}),
      result: {
        type: "tool-result",
        toolCallId: call.id,
        name: call.name,
        result,
        ...(isError ? { isError } : {}),
      },
      outcome,
      repairs,
      edited,
      durationMs,
    };
  };
  const fail = (outcome: ToolOutcome, message: string) => finish(outcome, `Error: ${message}`, message);

  const tool = env.tools.get(call.name);
  if (!tool)
    return fail(
      "unknown-tool",
      `there is no tool named "${call.name}"; available: ${[...env.tools.keys()].join(", ")}`,
    );

  const args = await readToolArguments(call, tool.input);
  if (!args.ok) return fail("invalid-arguments", args.message);
  repairs = args.repairs;
  input = args.value;

  const needsApproval =
    typeof tool.needsApproval === "function" ? await tool.needsApproval(input) : tool.needsApproval === true;
  const approval = await decideApproval(env.approve, { tool, call, input, needsApproval, step: env.step });
  if (approval.action === "deny") return fail("denied", `the call was denied: ${approval.reason}`);
  if (approval.action === "edit") {
    edited = true;
    const checked = await validateToolArguments(call.name, approval.arguments, tool.input);
    if (!checked.ok) return fail("invalid-arguments", `the approver's edit is invalid. ${checked.message}`);
    input = checked.value;
  }

  const timeoutMs = tool.timeoutMs ?? env.defaultTimeoutMs;
  try {
    const result = await runWithTimeout(
      (signal) =>
        tool.execute(input, {
          toolCallId: call.id,
          signal,
          messages: env.messages,
          step: env.step,
          ...(env.context ? { context: env.context } : {}),
        }),
      { what: `tool "${call.name}"`, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...signalOf(env) },
    );
    return finish("ok", result === undefined ? null : result);
  } catch (error) {
    if (env.signal?.aborted) throw abortReason(env.signal);
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = isKeelError(error) && error.code === "timeout";
    return fail(timedOut ? "timeout" : "error", message);
  }
}

function signalOf(env: ToolCallEnvironment): { signal?: AbortSignal } {
  return env.signal ? { signal: env.signal } : {};
}
