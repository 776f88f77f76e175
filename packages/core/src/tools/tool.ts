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
  checkInputSchema(definition.name, definition.input);
  if (typeof definition.execute !== "function")
    throw new InvalidRequestError(`tool "${definition.name}": execute must be a function`);
  return definition;
}

/**
 * The model only ever sees a tool's input as JSON Schema. A zod type that JSON Schema cannot
 * express (a date, a bigint, a function, a custom check) would go out as `{}`: the model could
 * not know what to send, every call would fail validation and the tool would never run.
 */
function checkInputSchema(name: string, input: unknown): void {
  const schema = input as Partial<z.ZodType> | null | undefined;
  if (typeof schema !== "object" || schema === null || typeof schema.safeParse !== "function")
    throw new InvalidRequestError(
      `tool "${name}": input must be a zod schema such as z.object({ ... }), got ${schema === null ? "null" : typeof schema}`,
    );
  if (typeof schema.toJSONSchema !== "function") return; // older zod: toToolDefinition says so
  try {
    // The tool's input side: a transform applies after the model's JSON has been checked.
    schema.toJSONSchema({ unrepresentable: "throw", io: "input" });
  } catch (error) {
    throw new InvalidRequestError(
      `tool "${name}": its input schema cannot be expressed as JSON Schema, so no model could call it ` +
        `(${error instanceof Error ? error.message : String(error)}). Use types JSON carries ` +
        "(an ISO date as z.iso.datetime(), a big integer as a string) and convert in execute",
      { cause: error },
    );
  }
}
