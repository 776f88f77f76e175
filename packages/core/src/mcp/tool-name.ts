import { InvalidRequestError } from "../errors.js";

/**
 * The Keel name for an MCP tool: `prefix_name`, with characters providers reject (MCP allows
 * `.` and `/`) replaced by `_`, cut to 64 characters.
 */
export function keelToolName(mcpName: string, prefix?: string): string {
  const full = prefix ? `${prefix}_${mcpName}` : mcpName;
  const name = full.replace(/[^\w-]/g, "_").slice(0, 64);
  if (name === "") throw new InvalidRequestError("an MCP tool has an empty name");
  return name;
}

/** Maps MCP names to Keel names, failing when two tools would get the same Keel name. */
export function keelToolNames(mcpNames: readonly string[], prefix?: string): Map<string, string> {
  const byKeel = new Map<string, string>();
  const out = new Map<string, string>();
  for (const mcpName of mcpNames) {
    const keel = keelToolName(mcpName, prefix);
    const clash = byKeel.get(keel);
    if (clash !== undefined)
      throw new InvalidRequestError(
        `MCP tools "${clash}" and "${mcpName}" both map to the Keel tool name "${keel}"; set a different prefix or narrow allowTools`,
      );
    byKeel.set(keel, mcpName);
    out.set(mcpName, keel);
  }
  return out;
}
