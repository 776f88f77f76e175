import type { IncomingMessage, ServerResponse } from "node:http";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Tool as McpTool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { InvalidRequestError } from "../errors.js";
import { runWithTimeout } from "../tools/run-with-timeout.js";
import { type AnyTool, tool as checkTool } from "../tools/tool.js";
import { validateToolArguments } from "../tools/tool-arguments.js";
import { toToolDefinition } from "../tools/tool-definition.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  Server,
  StreamableHTTPServerTransport,
} from "./sdk.js";
import { toServedResult } from "./served-result.js";

/** Options of `mcpToolServer`. */
export interface McpToolServerOptions {
  /** The server's name in `initialize`. */
  name: string;
  version?: string;
  /** Told to clients in `initialize`: how to use this server. */
  instructions?: string;
  tools: AnyTool[];
  /** Time limit for tools that set no `timeoutMs` of their own. */
  toolTimeoutMs?: number;
  /**
   * Annotations per tool name. Default: a tool with `needsApproval: true` is marked
   * `destructiveHint: true`, so clients that honour hints ask before running it.
   */
  annotations?: Record<string, ToolAnnotations>;
  /**
   * Browser origins allowed to call over HTTP. A request with an `Origin` header not listed is
   * refused with 403 (the spec's defence against DNS rebinding); clients outside a browser send none.
   */
  allowedOrigins?: string[];
  /** `Host` header values accepted over HTTP. Default: any (`serveHttp` on loopback accepts only loopback names). */
  allowedHosts?: string[];
}

/**
 * Serves Keel tools to MCP clients with the official SDK. Each connection (a stdio pair, one
 * Streamable HTTP session) gets its own SDK `Server` over the same tool set; `setTools` changes
 * the set and tells every connected client (`notifications/tools/list_changed`).
 */
export class McpToolServer {
  readonly #options: McpToolServerOptions;
  #tools = new Map<string, AnyTool>();
  readonly #servers = new Set<Server>();
  readonly #http = new Map<string, StreamableHTTPServerTransport>();

  constructor(options: McpToolServerOptions) {
    this.#options = options;
    this.#tools = toolMap(options.tools);
  }

  /** Replaces the tool set and notifies every connected client. */
  async setTools(tools: AnyTool[]): Promise<void> {
    this.#tools = toolMap(tools);
    await Promise.all([...this.#servers].map((s) => s.sendToolListChanged().catch(() => {})));
  }

  /** Serves over a transport (e.g. `StdioServerTransport`); resolves once it is listening. */
  async connect(transport: Transport): Promise<Server> {
    const server = new Server(
      { name: this.#options.name, version: this.#options.version ?? "0.0.0" },
      {
        capabilities: { tools: { listChanged: true } },
        ...(this.#options.instructions !== undefined ? { instructions: this.#options.instructions } : {}),
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...this.#tools.values()].map((t) => this.#describe(t)),
    }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.#call(request.params.name, request.params.arguments ?? {}, extra.signal, String(extra.requestId)),
    );
    server.onclose = () => this.#servers.delete(server);
    this.#servers.add(server);
    await server.connect(transport);
    return server;
  }

  /**
   * Handles one Streamable HTTP request (POST, GET or DELETE on the MCP endpoint) with
   * sessions: an `initialize` POST opens one, later requests name it in `mcp-session-id`.
   * `body` is the parsed JSON body when a framework already read it.
   */
  async handleHttp(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    const refused = refusal(req, this.#options);
    if (refused) return jsonRpcError(res, 403, refused);
    const id = req.headers["mcp-session-id"];
    const known = typeof id === "string" ? this.#http.get(id) : undefined;
    if (known) return known.handleRequest(req, res, body);
    if (typeof id === "string") return jsonRpcError(res, 404, "Session not found");
    if (req.method !== "POST") return jsonRpcError(res, 405, "Open a session with an initialize POST first");
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      // Web Crypto, as every runtime Keel supports has it (Node 20 included).
      sessionIdGenerator: () => globalThis.crypto.randomUUID(),
      onsessioninitialized: (sid) => void this.#http.set(sid, transport),
      onsessionclosed: (sid) => void this.#http.delete(sid),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.#http.delete(transport.sessionId);
    };
    await this.connect(transport);
    await transport.handleRequest(req, res, body);
    // Not an initialize request: the transport answered with an error and no session exists.
    if (!transport.sessionId) await transport.close();
  }

  /** Closes every connection (stdio and HTTP sessions). */
  async close(): Promise<void> {
    const servers = [...this.#servers];
    this.#servers.clear();
    this.#http.clear();
    await Promise.all(servers.map((s) => s.close().catch(() => {})));
  }

  #describe(t: AnyTool): McpTool {
    const def = toToolDefinition(t);
    const annotations =
      this.#options.annotations?.[t.name] ??
      (t.needsApproval === true ? { destructiveHint: true } : undefined);
    return {
      name: def.name,
      ...(def.description !== undefined ? { description: def.description } : {}),
      inputSchema: { type: "object", ...(def.inputSchema as object) } as McpTool["inputSchema"],
      ...(annotations ? { annotations } : {}),
    };
  }

  async #call(name: string, args: unknown, signal: AbortSignal, callId: string): Promise<CallToolResult> {
    const t = this.#tools.get(name);
    if (!t) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    // Invalid input is a tool error, not a protocol error, so a model can read it and try again.
    const checked = await validateToolArguments(name, args, t.input);
    if (!checked.ok) return errorResult(checked.message);
    const timeoutMs = t.timeoutMs ?? this.#options.toolTimeoutMs;
    try {
      const value = await runWithTimeout(
        (s) => t.execute(checked.value, { toolCallId: callId, signal: s, messages: [], step: 1 }),
        { what: `tool "${name}"`, signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
      );
      return toServedResult(value);
    } catch (error) {
      return errorResult(error instanceof Error ? error.message : String(error));
    }
  }
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

function toolMap(tools: AnyTool[]): Map<string, AnyTool> {
  const map = new Map<string, AnyTool>();
  for (const t of tools) {
    checkTool(t);
    if (map.has(t.name)) throw new InvalidRequestError(`two tools are named "${t.name}"`);
    map.set(t.name, t);
  }
  return map;
}

/** Why a request's Origin or Host is not accepted, if it is not. */
function refusal(req: IncomingMessage, options: McpToolServerOptions): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !(options.allowedOrigins ?? []).includes(origin))
    return `Origin ${origin} is not allowed`;
  const host = req.headers.host;
  if (options.allowedHosts && (host === undefined || !options.allowedHosts.includes(host)))
    return `Host ${host ?? "(none)"} is not allowed`;
  return undefined;
}

function jsonRpcError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: ErrorCode.InvalidRequest, message }, id: null }));
}

/** Creates a server that offers Keel tools over MCP (see `McpToolServer`). */
export function mcpToolServer(options: McpToolServerOptions): McpToolServer {
  return new McpToolServer(options);
}
