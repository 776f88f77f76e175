import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { InvalidRequestError } from "../errors.js";
import {
  type Client,
  SSEClientTransport,
  StdioClientTransport,
  StreamableHTTPClientTransport,
} from "./sdk.js";

/** A server started as a child process, speaking MCP over its stdin and stdout. */
export interface StdioServerConfig {
  transport: "stdio";
  command: string;
  args?: string[];
  /** The child's environment. Default: the SDK's safe subset of this process's (PATH, HOME, ...). */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Where the child's stderr goes, as Node's `spawn` reads it (its `IOType`, spelled out so this
   * entry's declarations need no Node types). Default `inherit`.
   */
  stderr?: "inherit" | "pipe" | "ignore" | "overlapped";
}

/** A server reached over HTTP: Streamable HTTP, or the older HTTP+SSE transport. */
export interface HttpServerConfig {
  /**
   * `http`: Streamable HTTP; when the server answers the first request with 400, 404 or 405, the older
   * HTTP+SSE transport is tried, as the spec's backwards-compatibility section describes (turn
   * off with `sseFallback: false`). `sse`: only the older HTTP+SSE transport.
   */
  transport: "http" | "sse";
  url: string | URL;
  /** Sent with every request (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** Default `true` for `http`. */
  sseFallback?: boolean;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** How to reach one MCP server. */
export type McpServerConfig = StdioServerConfig | HttpServerConfig;

/**
 * Connects `client` to the server `config` names and returns the transport in use. Streamable
 * HTTP falls back to HTTP+SSE when the server rejects it with 400, 404 or 405.
 */
export async function connectTransport(
  config: McpServerConfig,
  makeClient: () => Client,
  signal?: AbortSignal,
): Promise<{ client: Client; transport: Transport }> {
  if (config.transport === "stdio") {
    const transport = new StdioClientTransport({
      command: config.command,
      ...(config.args ? { args: config.args } : {}),
      ...(config.env ? { env: config.env } : {}),
      ...(config.cwd ? { cwd: config.cwd } : {}),
      stderr: config.stderr ?? "inherit",
    });
    return connectWith(makeClient(), transport, signal);
  }
  const url = typeof config.url === "string" ? new URL(config.url) : config.url;
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidRequestError(`MCP server URL must be http(s), got "${url.href}"`);
  const common = {
    ...(config.headers ? { requestInit: { headers: config.headers } } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  };
  if (config.transport === "sse")
    return connectWith(makeClient(), new SSEClientTransport(url, common), signal);
  try {
    return await connectWith(makeClient(), new StreamableHTTPClientTransport(url, common), signal);
  } catch (error) {
    if (config.sseFallback === false || !isClientError(error)) throw error;
    return connectWith(makeClient(), new SSEClientTransport(url, common), signal);
  }
}

async function connectWith(
  client: Client,
  transport: Transport,
  signal: AbortSignal | undefined,
): Promise<{ client: Client; transport: Transport }> {
  try {
    await client.connect(transport, signal ? { signal } : {});
    return { client, transport };
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/** True when the server refused Streamable HTTP itself (400, 404, 405), not the caller's credentials. */
function isClientError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 400 || code === 404 || code === 405;
}
