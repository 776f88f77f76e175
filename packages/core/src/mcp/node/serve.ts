import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { StdioServerTransport } from "../sdk.js";
import type { McpToolServer } from "../tool-server.js";

/**
 * Serves over this process's stdin and stdout (the process is the MCP server a client
 * spawned). Resolves when the client closes stdin, after the session is closed.
 */
export async function serveStdio(
  server: McpToolServer,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {},
): Promise<void> {
  const stdin = (io.stdin ?? process.stdin) as NodeJS.ReadStream;
  const transport = new StdioServerTransport(stdin, (io.stdout ?? process.stdout) as NodeJS.WriteStream);
  const ended = new Promise<void>((resolve) => {
    // The SDK's stdio transport does not watch for end of input; a client closing stdin ends the session.
    stdin.once("end", resolve);
    transport.onclose = resolve;
  });
  await server.connect(transport);
  await ended;
  await server.close();
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const LOOPBACK_NAMES = ["127.0.0.1", "[::1]", "localhost"];

/** A listening Streamable HTTP endpoint. */
export interface McpHttpEndpoint {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  url: URL;
  /** Closes every session and the listening socket, ending open connections. */
  close(): Promise<void>;
}

/**
 * Serves Streamable HTTP at `path` (default `/mcp`) on `host:port` (default 127.0.0.1, a free
 * port). On a loopback address only loopback `Host` names are answered (DNS rebinding defence).
 */
export async function serveHttp(
  server: McpToolServer,
  options: { host?: string; port?: number; path?: string } = {},
): Promise<McpHttpEndpoint> {
  const path = options.path ?? "/mcp";
  const host = options.host ?? "127.0.0.1";
  let loopbackHosts: Set<string> | undefined;
  const http: HttpServer = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    // A loopback server answers only to loopback names, so a page on another site cannot reach it
    // through a rebound DNS name.
    if (loopbackHosts && !loopbackHosts.has(req.headers.host ?? "")) {
      res.writeHead(403, { "content-type": "text/plain" }).end(`Host ${req.headers.host} is not allowed`);
      return;
    }
    server.handleHttp(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error instanceof Error ? error.message : error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const hostname = host.includes(":") ? `[${host}]` : host;
  if (LOOPBACK.has(host)) loopbackHosts = new Set([...LOOPBACK_NAMES].map((name) => `${name}:${port}`));
  return {
    url: new URL(`http://${hostname}:${port}${path}`),
    async close() {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
