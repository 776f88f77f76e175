// The MCP client and tool server. The client's stdio transport is the SDK's, which spawns
// processes (Node); serving over stdio or HTTP is in "@keel/core/mcp/node". Nothing here reaches
// "@keel/core".
export type { McpApprovalPolicy } from "./approval-policy.js";
export type { McpCallResult, McpPart } from "./call-result.js";
export { flowTool } from "./flow-tool.js";
export type { IsolateHook, UntrustedOrigin } from "./isolate.js";
export { jsonSchemaInput } from "./json-schema-input.js";
export { McpClient, type McpClientOptions, mcpClient, type ReconnectOptions } from "./mcp-client.js";
export { McpToolError } from "./mcp-errors.js";
export { keelToolName } from "./tool-name.js";
export { McpToolServer, type McpToolServerOptions, mcpToolServer } from "./tool-server.js";
export type { HttpServerConfig, McpServerConfig, StdioServerConfig } from "./transports.js";
