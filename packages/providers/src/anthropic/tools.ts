import type { CacheControlEphemeral, Tool, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import type { ToolChoice as KeelToolChoice, ToolDefinition } from "@keel/core";

/** Maps a Keel tool to an Anthropic client tool (`strict` only when asked). */
export function toAnthropicTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: tool.inputSchema as Tool["input_schema"],
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
  };
}

/** Maps Keel's tool choice: "required" is Anthropic's "any". */
export function toAnthropicToolChoice(choice: KeelToolChoice): ToolChoice {
  if (typeof choice === "object") return { type: "tool", name: choice.name };
  return { type: choice === "required" ? "any" : choice };
}

/**
 * Puts cache breakpoints on tools: `true` marks the last tool (which caches every definition
 * before it too), a list marks the tools it names.
 */
export function withToolCache(tools: Tool[], which: true | string[], cache: CacheControlEphemeral): Tool[] {
  const marked = which === true ? new Set([tools.at(-1)?.name]) : new Set(which);
  return tools.map((tool) => (marked.has(tool.name) ? { ...tool, cache_control: cache } : tool));
}
