import { InvalidRequestError, type ToolChoice, type ToolDefinition } from "@keel/core";
import { isEmptyObjectSchema, toGeminiSchema } from "./to-gemini-schema.js";
import type { GeminiFunctionDeclaration, GeminiRequest, GeminiToolConfig } from "./wire-types.js";

/**
 * Maps tool definitions to one Gemini `functionDeclarations` tool and the tool choice to
 * `toolConfig.functionCallingConfig`: auto → AUTO, none → NONE, required → ANY, a named tool →
 * ANY limited to that name. `strict` has no Gemini equivalent (declarations are always enforced).
 */
export function toGeminiTools(
  tools: ToolDefinition[] | undefined,
  choice: ToolChoice | undefined,
): Pick<GeminiRequest, "tools" | "toolConfig"> {
  if (!tools || tools.length === 0) {
    if (choice === "required" || typeof choice === "object") {
      throw new InvalidRequestError("toolChoice asks for a tool call but the request has no tools");
    }
    return {};
  }
  const declarations = tools.map(toDeclaration);
  const toolConfig = toToolConfig(choice, tools);
  return { tools: [{ functionDeclarations: declarations }], ...(toolConfig ? { toolConfig } : {}) };
}

function toDeclaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    // A function without parameters leaves `parameters` unset; Gemini rejects empty OBJECT schemas there.
    ...(isEmptyObjectSchema(tool.inputSchema) ? {} : { parameters: toGeminiSchema(tool.inputSchema) }),
  };
}

function toToolConfig(choice: ToolChoice | undefined, tools: ToolDefinition[]): GeminiToolConfig | undefined {
  switch (choice) {
    case undefined:
      return undefined;
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    default:
      if (!tools.some((t) => t.name === choice.name)) {
        throw new InvalidRequestError(
          `toolChoice names "${choice.name}", which is not among the request's tools`,
        );
      }
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  }
}
