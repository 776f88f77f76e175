import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { Message } from "../messages.js";
import type { CallContext } from "../model.js";

/** What a tool's `execute` receives besides its input. */
export interface ToolContext {
  /** The id the model gave this call. */
  toolCallId: string;
  /** Fires when the run is aborted or the tool's timeout passes; long work should stop on it. */
  signal: AbortSignal;
  /** The conversation so far, up to the assistant turn that asked for this call. */
  messages: readonly Message[];
  /** The agent step (1-based) that asked for this call. */
  step: number;
  /** The caller's unit of work (flow, run, step ids), for the tool's own telemetry. */
  context?: CallContext;
}

/** A function the model may call, with a zod schema for its input. */
export interface Tool<S extends z.ZodType = z.ZodType, O = unknown> {
  /** Letters, digits, `_` and `-`, at most 64 characters (the strictest provider rule). */
  name: string;
  description?: string;
  input: S;
  /** Runs the call. What it returns is sent to the model; what it throws is sent as an error result. */
  execute(input: z.output<S>, context: ToolContext): O | Promise<O>;
  /** Per-call time limit; past it the call's signal aborts and the model gets a timeout error result. */
  timeoutMs?: number;
  /** Marks calls that a human or policy must approve; see `RunToolsOptions.approve`. */
  needsApproval?: boolean | ((input: z.output<S>) => boolean | Promise<boolean>);
  /** Ask the provider for strict argument adherence where supported. */
  strict?: boolean;
}

/** A tool of any input and output type, as collections of tools hold them. */
export type AnyTool = Tool<any, any>;

/** Defines a tool, checking its name; the returned object is the definition itself, fully typed. */
export function tool<S extends z.ZodType, O>(definition: Tool<S, O>): Tool<S, O> {
  if (!/^[\w-]{1,64}$/.test(definition.name))
    throw new InvalidRequestError(
      `tool name "${definition.name}" must be 1-64 letters, digits, _ or - (a provider rule)`,
    );
  if (definition.timeoutMs !== undefined && !(definition.timeoutMs > 0))
    throw new InvalidRequestError(`tool "${definition.name}": timeoutMs must be positive`);
  return definition;
}
