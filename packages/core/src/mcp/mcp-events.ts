import type { KeelError } from "../errors.js";

declare module "../events.js" {
  interface KeelEventMap {
    /** An MCP client opened a session (`attempt` > 1: after failed attempts, e.g. a reconnect). */
    "mcp.connected": { server: string; transport: "stdio" | "http" | "sse"; attempt: number };
    /** A connection attempt failed; `retryInMs` is set when another attempt follows. */
    "mcp.connect.failed": { server: string; attempt: number; error: KeelError; retryInMs?: number };
    /** A session ended without `close()`: the server exited or the connection was lost. */
    "mcp.disconnected": { server: string };
    /** The server said its tools changed, and the client listed them again. */
    "mcp.tools.changed": { server: string; tools: number };
  }
}
