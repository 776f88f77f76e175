// Node-only: serves a Keel MCP tool server over this process's stdio or a node:http socket.
// Kept apart from "@keel/core/mcp" (client, tool server, flow tools) so that nothing opening
// sockets or reading process streams is reached from that entry.
export { type McpHttpEndpoint, serveHttp, serveStdio } from "./serve.js";
