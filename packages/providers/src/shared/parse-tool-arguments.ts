import type { ProviderMetadata, ToolCallPart } from "@keel/core";

/** Tool-call arguments as parsed from the JSON text a model produced. */
export interface ParsedToolArguments {
  /** The parsed value; undefined when the text is not valid JSON. */
  arguments: unknown;
  /** The text exactly as the model produced it. */
  rawArguments: string;
  /** Why the text could not be parsed; absent when it parsed. */
  argumentsError?: string;
}

/**
 * Parses the JSON text a model produced as tool-call arguments. Empty (or all-whitespace) text
 * means "no arguments" and parses to `{}`; invalid JSON keeps the raw text and says why.
 */
export function parseToolArguments(raw: string): ParsedToolArguments {
  if (raw.trim() === "") return { arguments: {}, rawArguments: raw };
  try {
    return { arguments: JSON.parse(raw), rawArguments: raw };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { arguments: undefined, rawArguments: raw, argumentsError: `invalid JSON arguments: ${reason}` };
  }
}

/** Builds a tool-call part from the raw argument text, parsing it (see `parseToolArguments`). */
export function toolCallPart(
  id: string,
  name: string,
  rawArguments: string,
  providerMetadata?: ProviderMetadata,
): ToolCallPart {
  const parsed = parseToolArguments(rawArguments);
  return {
    type: "tool-call",
    id,
    name,
    arguments: parsed.arguments,
    rawArguments: parsed.rawArguments,
    ...(parsed.argumentsError !== undefined ? { argumentsError: parsed.argumentsError } : {}),
    ...(providerMetadata !== undefined ? { providerMetadata } : {}),
  };
}
