import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { JsonSchema } from "../model.js";
import { type AnyTool, tool } from "../tools/tool.js";
import { type McpApprovalPolicy, needsApproval } from "./approval-policy.js";
import type { McpCallResult } from "./call-result.js";
import { bindIsolate, type IsolateHook } from "./isolate.js";
import { jsonSchemaInput } from "./json-schema-input.js";
import { McpToolError } from "./mcp-errors.js";
import { keelToolNames } from "./tool-name.js";

/** What turning a server's tool list into Keel tools needs. */
export interface ToKeelToolsOptions {
  server: string;
  validator: jsonSchemaValidator;
  /** Calls the MCP tool by its MCP name. */
  call: (name: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<McpCallResult>;
  allowTools?: readonly string[];
  prefix?: string;
  approval: McpApprovalPolicy;
  timeoutMs?: number;
  isolate?: IsolateHook;
  binaryResults: "describe" | "parts";
}

/**
 * Turns MCP tool descriptions into Keel tools. A tool whose result says `isError` throws
 * `McpToolError`, so the loop records outcome `error` and the model reads the server's message.
 */
export function toKeelTools(list: readonly McpTool[], options: ToKeelToolsOptions): AnyTool[] {
  const allowed = options.allowTools ? new Set(options.allowTools) : undefined;
  const chosen = allowed ? list.filter((t) => allowed.has(t.name)) : [...list];
  const names = keelToolNames(
    chosen.map((t) => t.name),
    options.prefix,
  );
  return chosen.map((mcp) => {
    const name = names.get(mcp.name)!;
    const describe = bindIsolate(options.isolate, {
      server: options.server,
      kind: "tool-description",
      name: mcp.name,
    });
    const description = mcp.description ?? mcp.title ?? mcp.annotations?.title;
    return tool({
      name,
      ...(description !== undefined ? { description: describe(description) } : {}),
      input: jsonSchemaInput(mcp.inputSchema as JsonSchema, {
        validator: options.validator,
        what: `MCP tool "${mcp.name}" of server "${options.server}"`,
      }),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      needsApproval: needsApproval(mcp, options.approval),
      async execute(input, context) {
        const result = await options.call(mcp.name, (input ?? {}) as Record<string, unknown>, context.signal);
        const text = result.text;
        if (result.isError)
          throw new McpToolError(text || `MCP tool "${mcp.name}" failed`, result.parts, {
            provider: `mcp:${options.server}`,
          });
        if (options.binaryResults === "parts" && result.parts.some((p) => p.type !== "text"))
          return result.parts;
        return text;
      },
    });
  });
}
