import type { JSONOutputFormat, Tool } from "@anthropic-ai/sdk/resources/messages";
import type { ResponseFormat } from "@keel/core";
import type { AnthropicStructuredOutputMode } from "./settings.js";

/** Name of the forced tool when the response format names none. */
export const JSON_TOOL_NAME = "json";

/** How JSON output is asked for: a native `output_config.format`, or a tool the model is forced to call. */
export type StructuredOutputPlan = { format: JSONOutputFormat } | { tool: Tool };

/**
 * Plans JSON output. "native" sends `output_config.format` with the schema. "tool" sends one
 * tool whose input schema is the schema and forces the model to call it; the adapter then returns
 * the tool's input as the answer text. JSON without a schema always uses a tool that takes any
 * object, since the native format needs a schema.
 */
export function planStructuredOutput(
  format: ResponseFormat | undefined,
  mode: AnthropicStructuredOutputMode,
): StructuredOutputPlan | undefined {
  if (format?.type !== "json") return undefined;
  if (format.schema !== undefined && mode === "native")
    return { format: { type: "json_schema", schema: format.schema } };
  return {
    tool: {
      name: format.name ?? JSON_TOOL_NAME,
      description: format.description ?? "Respond by calling this tool with the answer as its input.",
      input_schema: (format.schema ?? { type: "object" }) as Tool["input_schema"],
    },
  };
}
