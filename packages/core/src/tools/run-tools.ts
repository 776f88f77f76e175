import { InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { Message } from "../messages.js";
import type { CallOptions, Model, ModelRequest, ModelResponse, ToolChoice, Usage } from "../model.js";
import { addUsage, NO_USAGE } from "../structured/add-usage.js";
import type { ApprovalHook } from "./approval.js";
import { executeToolCall, type ToolCallRecord } from "./execute-tool-call.js";
import { mapLimit } from "./map-limit.js";
import type { AnyTool } from "./tool.js";
import { toToolDefinition } from "./tool-definition.js";
import type { AgentStopReason } from "./tool-events.js";

/** One model call of the loop and the tool calls it asked for. */
export interface AgentStep {
  /** 1-based. */
  index: number;
  response: ModelResponse;
  toolCalls: ToolCallRecord[];
  durationMs: number;
}

/** Options of `runTools`. */
export interface RunToolsOptions {
  /** The conversation so far. */
  messages?: Message[];
  /** A system prompt placed before `messages`. */
  system?: string;
  /** A user turn appended after `messages`. */
  prompt?: string;
  tools: AnyTool[];
  /** Model calls allowed; when the last one still asks for tools, they run and the loop stops with `max-steps`. Default 10. */
  maxSteps?: number;
  /** Checked after each step that ran tools; returning true stops the loop with `stop-condition`. */
  stopWhen?: (state: { step: AgentStep; steps: readonly AgentStep[] }) => boolean | Promise<boolean>;
  /** Tool calls of one step run in parallel, at most this many at once. Default 8. */
  concurrency?: number;
  /** Time limit for tools that set no `timeoutMs` of their own. */
  toolTimeoutMs?: number;
  /** Decides on every call before it runs (allow, deny, edit). Without it, tools that need approval are denied. */
  approve?: ApprovalHook;
  /** Called after every step, before the next model call. */
  onStep?: (step: AgentStep) => void | Promise<void>;
  toolChoice?: ToolChoice;
  /** Other request fields (temperature, maxOutputTokens, metadata, ...). */
  request?: Omit<Partial<ModelRequest>, "messages" | "tools" | "toolChoice">;
  /** Where step and tool events go. Default: the process-wide hub. */
  events?: EventHub;
}

/** How an agent loop ended. */
export interface RunToolsResult {
  /** The text of the last model answer. */
  text: string;
  /** The last model answer. */
  response: ModelResponse;
  steps: AgentStep[];
  /** The whole conversation: the input turns plus every assistant and tool turn added. */
  messages: Message[];
  /**
   * `done`: the model answered without calling a tool. `stop-condition`: `stopWhen` returned
   * true. `max-steps`: the step limit was reached; the last step's tool calls ran and their
   * results are in `messages`, so the conversation can be continued. Reaching the limit is not
   * an error: callers that need a final answer check `stopReason`.
   */
  stopReason: AgentStopReason;
  /** Usage summed over all steps. */
  usage: Usage;
}

/**
 * Runs a model with tools until it answers without calling one, `stopWhen` says stop, or
 * `maxSteps` model calls were made. Tool calls run in parallel (capped), each validated,
 * approved and time-limited; every failure goes back to the model as an error result.
 * Model errors and aborts are thrown.
 */
export async function runTools(
  model: Model,
  options: RunToolsOptions,
  callOptions?: CallOptions,
): Promise<RunToolsResult> {
  const tools = toolMap(options.tools);
  const maxSteps = options.maxSteps ?? 10;
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new InvalidRequestError(`maxSteps must be a positive integer, got ${maxSteps}`);
  const hub = options.events ?? globalEvents;
  const context = callOptions?.context;
  const definitions = options.tools.map(toToolDefinition);
  const messages: Message[] = [
    ...(options.system !== undefined ? [{ role: "system" as const, content: options.system }] : []),
    ...(options.messages ?? []),
    ...(options.prompt !== undefined ? [{ role: "user" as const, content: options.prompt }] : []),
  ];
  const steps: AgentStep[] = [];
  let usage = NO_USAGE;

  const finish = (stopReason: AgentStopReason): RunToolsResult => {
    hub.emit("agent.finished", { model: model.id, steps: steps.length, stopReason, usage }, context);
    const response = steps.at(-1)!.response;
    return { text: response.text, response, steps, messages, stopReason, usage };
  };

  for (let index = 1; index <= maxSteps; index++) {
    const started = Date.now();
    const response = await model.generate(
      {
        ...options.request,
        messages: [...messages],
        tools: definitions,
        ...(options.toolChoice !== undefined ? { toolChoice: options.toolChoice } : {}),
      },
      callOptions,
    );
    usage = addUsage(usage, response.usage);
    messages.push({ role: "assistant", content: response.content });
    const seen = [...messages];
    const toolCalls = await mapLimit(response.toolCalls, options.concurrency ?? 8, (call) =>
      executeToolCall(call, {
        tools,
        step: index,
        messages: seen,
        events: hub,
        ...(options.approve ? { approve: options.approve } : {}),
        ...(options.toolTimeoutMs !== undefined ? { defaultTimeoutMs: options.toolTimeoutMs } : {}),
        ...(callOptions?.signal ? { signal: callOptions.signal } : {}),
        ...(context ? { context } : {}),
      }),
    );
    if (toolCalls.length) messages.push({ role: "tool", content: toolCalls.map((r) => r.result) });
    const step: AgentStep = { index, response, toolCalls, durationMs: Date.now() - started };
    steps.push(step);
    hub.emit(
      "agent.step",
      {
        step: index,
        model: model.id,
        toolCalls: toolCalls.length,
        finishReason: response.finishReason,
        usage: response.usage,
        durationMs: step.durationMs,
      },
      context,
    );
    await options.onStep?.(step);
    if (toolCalls.length === 0) return finish("done");
    if (await options.stopWhen?.({ step, steps })) return finish("stop-condition");
  }
  return finish("max-steps");
}

/** A `stopWhen` that stops once the model has called the named tool (e.g. a "final answer" tool). */
export function stopOnToolCall(name: string): NonNullable<RunToolsOptions["stopWhen"]> {
  return ({ step }) => step.toolCalls.some((r) => r.call.name === name && r.outcome === "ok");
}

function toolMap(tools: AnyTool[]): Map<string, AnyTool> {
  const map = new Map<string, AnyTool>();
  for (const t of tools) {
    if (map.has(t.name)) throw new InvalidRequestError(`two tools are named "${t.name}"`);
    map.set(t.name, t);
  }
  return map;
}
