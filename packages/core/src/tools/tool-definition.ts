import type { ToolDefinition } from "../model.js";
import { toProviderJsonSchema } from "../structured/object-request.js";
import type { AnyTool } from "./tool.js";

/** The provider-neutral definition sent to the model for a tool: its input schema as JSON Schema. */
export function toToolDefinition(tool: AnyTool): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    inputSchema: toProviderJsonSchema(tool.input),
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
  };
}
