import type { z } from "zod";
import type { ToolCallPart } from "../messages.js";
import { parseLenientJson } from "../structured/partial-json.js";
import { loadZod } from "../zod-runtime.js";

/** Arguments read and validated for a tool call, or why they could not be. */
export type ToolArguments =
  | { ok: true; value: unknown; repairs: string[] }
  | { ok: false; reason: "malformed" | "invalid"; message: string };

/**
 * Reads a call's arguments: parses the raw JSON the model wrote (repairing trailing commas and
 * unclosed brackets), then validates it with the tool's schema.
 */
export async function readToolArguments(call: ToolCallPart, schema: z.ZodType): Promise<ToolArguments> {
  const parsed = parseArguments(call);
  if (!parsed.ok) return parsed;
  return validateToolArguments(call.name, parsed.value, schema, parsed.repairs);
}

/** Validates already-parsed arguments (e.g. edited by an approver) with the tool's schema. */
export async function validateToolArguments(
  name: string,
  value: unknown,
  schema: z.ZodType,
  repairs: string[] = [],
): Promise<ToolArguments> {
  const result = await schema.safeParseAsync(value);
  if (result.success) return { ok: true, value: result.data, repairs };
  const { prettifyError } = await loadZod();
  return {
    ok: false,
    reason: "invalid",
    message: `Invalid arguments for tool "${name}":\n${prettifyError(result.error)}`,
  };
}

function parseArguments(call: ToolCallPart): ToolArguments {
  // Adapters keep the model's text in `rawArguments`; when it was not JSON, `arguments` is unreliable.
  const raw =
    typeof call.rawArguments === "string"
      ? call.rawArguments
      : typeof call.arguments === "string"
        ? call.arguments
        : undefined;
  if (raw === undefined) return { ok: true, value: call.arguments ?? {}, repairs: [] };
  if (raw.trim() === "") return { ok: true, value: {}, repairs: [] };
  const parsed = parseLenientJson(raw);
  if (parsed) return { ok: true, value: parsed.value, repairs: parsed.repairs };
  return {
    ok: false,
    reason: "malformed",
    message: `The arguments for tool "${call.name}" are not valid JSON: ${truncate(raw, 200)}`,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
