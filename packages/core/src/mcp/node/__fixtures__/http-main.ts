// The fixture server over Streamable HTTP (`/mcp`) and the older HTTP+SSE transport
// (`/legacy`), run as a child process by the tests; prints its base URL on stdout.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createFixtureServer } from "./fixture-server.js";

const seen: string[] = [];
const sessions = new Map<string, StreamableHTTPServerTransport>();
const legacy = new Map<string, SSEServerTransport>();
const sockets = new Set<Socket>();
/** Sockets with a request in progress (an open stream counts until it ends). */
const busy = new Set<Socket>();

async function streamable(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const id = req.headers["mcp-session-id"];
  let transport = typeof id === "string" ? sessions.get(id) : undefined;
  if (!transport) {
    if (req.method !== "POST") return void res.writeHead(400).end();
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, created),
      onsessionclosed: (sid) => void sessions.delete(sid),
    });
    transport = created;
    await createFixtureServer(seen).connect(created);
  }
  await transport.handleRequest(req, res);
}

async function sse(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname === "/legacy" && req.method === "GET") {
    const transport = new SSEServerTransport("/legacy/messages", res);
    legacy.set(transport.sessionId, transport);
    res.on("close", () => legacy.delete(transport.sessionId));
    await createFixtureServer(seen).connect(transport);
    return;
  }
  if (url.pathname === "/legacy/messages" && req.method === "POST") {
    const transport = legacy.get(url.searchParams.get("sessionId") ?? "");
    if (!transport) return void res.writeHead(404).end();
    return transport.handlePostMessage(req, res);
  }
  res.writeHead(405).end();
}

const http = createServer((req, res) => {
  busy.add(req.socket);
  res.on("close", () => busy.delete(req.socket));
  const url = new URL(req.url ?? "/", "http://localhost");
  const done =
    url.pathname === "/mcp"
      ? streamable(req, res)
      : url.pathname.startsWith("/legacy")
        ? sse(req, res, url)
        : url.pathname === "/stats"
          ? Promise.resolve(
              void res
                .writeHead(200, { "content-type": "application/json", connection: "close" })
                // This request's own socket is not counted.
                .end(
                  JSON.stringify({
                    sockets: sockets.size - 1,
                    busy: busy.size - 1,
                    sessions: sessions.size,
                    legacy: legacy.size,
                  }),
                ),
            )
          : Promise.resolve(void res.writeHead(404).end());
  done.catch((error) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  });
});
// Idle keep-alive sockets close after half a second, so a test sees a client's pool drain quickly.
http.keepAliveTimeout = 500;
http.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});
// `--port N` reuses a port, to stand in for a server that restarted.
const portArg = process.argv.indexOf("--port");
http.listen(portArg > 0 ? Number(process.argv[portArg + 1]) : 0, "127.0.0.1", () => {
  const address = http.address();
  if (address && typeof address === "object") process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
process.stdin.once("end", () => process.exit(0));
process.stdin.resume();
