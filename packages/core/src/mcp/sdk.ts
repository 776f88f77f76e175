// The MCP SDK's runtime values, imported once when "@keel/core/mcp" loads. The SDK is an optional
// peer dependency: without it, importing this entry fails with a ProviderUnavailableError that
// names the package and its install command, never a bare ERR_MODULE_NOT_FOUND. (It is loaded with
// the entry, not on first use, because the entry's constructors and `jsonSchemaInput` are
// synchronous and nothing here works without the SDK.)
import type * as ClientModule from "@modelcontextprotocol/sdk/client/index.js";
import type * as ServerModule from "@modelcontextprotocol/sdk/server/index.js";
import type * as ServerHttpModule from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { optionalPeer } from "../optional-peer.js";

const mcpSdk = optionalPeer("@modelcontextprotocol/sdk", "@keel/core/mcp", async () => {
  const [client, clientSse, clientStdio, clientHttp, server, serverStdio, serverHttp, types, ajv] =
    await Promise.all([
      import("@modelcontextprotocol/sdk/client/index.js"),
      import("@modelcontextprotocol/sdk/client/sse.js"),
      import("@modelcontextprotocol/sdk/client/stdio.js"),
      import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
      import("@modelcontextprotocol/sdk/server/index.js"),
      import("@modelcontextprotocol/sdk/server/stdio.js"),
      import("@modelcontextprotocol/sdk/server/streamableHttp.js"),
      import("@modelcontextprotocol/sdk/types.js"),
      import("@modelcontextprotocol/sdk/validation/ajv"),
    ]);
  return { client, clientSse, clientStdio, clientHttp, server, serverStdio, serverHttp, types, ajv };
});

const sdk = await mcpSdk.load();

export const Client = sdk.client.Client;
export type Client = ClientModule.Client;
export const Server = sdk.server.Server;
export type Server = ServerModule.Server;
export const StreamableHTTPServerTransport = sdk.serverHttp.StreamableHTTPServerTransport;
export type StreamableHTTPServerTransport = ServerHttpModule.StreamableHTTPServerTransport;
export const { SSEClientTransport } = sdk.clientSse;
export const { StdioClientTransport } = sdk.clientStdio;
export const { StreamableHTTPClientTransport } = sdk.clientHttp;
export const { StdioServerTransport } = sdk.serverStdio;
export const {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
} = sdk.types;
export const { AjvJsonSchemaValidator } = sdk.ajv;
