import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { resolve as resolvePath } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidRequestError, KeelError } from "@keel/core";
import { BatchEmulator } from "./batch-emulator.js";
import { testServerError } from "./error-bodies.js";
import { sendError } from "./faults.js";
import { findFixturesDir } from "./fixture-replay.js";
import { detectRoute } from "./protocol-detect.js";
import { respond } from "./respond.js";
import { protocolHeaders, type ResponseContext } from "./response-context.js";
import type { TestServer, TestServerOptions } from "./server-types.js";
import type { RecordedRequest, ScriptedResponse } from "./types.js";
import { validateScriptedResponse } from "./validate.js";
import { Wire } from "./wire.js";

const INITIAL_DEFAULT: ScriptedResponse = { text: "ok" };

type DefaultResponse = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse);

/**
 * Starts a local HTTP server on 127.0.0.1 that speaks the OpenAI, Anthropic and Gemini wire
 * protocols: scripted answers, recorded fixtures and faults on demand. Node-only.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const fixturesDir =
    options.fixturesDir === undefined ? findFixturesDir() : resolvePath(options.fixturesDir);
  const embeddingDimensions = options.embeddingDimensions ?? 64;
  if (!Number.isInteger(embeddingDimensions) || embeddingDimensions < 1) {
    throw new InvalidRequestError(
      `keel test server: embeddingDimensions must be a positive integer, got ${embeddingDimensions}`,
    );
  }

  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  // Open sockets and how many responses each is carrying (0: idle keep-alive or no request yet).
  const sockets = new Map<Socket, number>();
  const handlers = new Set<Promise<void>>();
  let fallback: DefaultResponse = INITIAL_DEFAULT;
  let seq = 0;
  let url = "";
  const batches = new BatchEmulator(() => url);
  let closing: Promise<void> | undefined;

  const defaultFor = (request: RecordedRequest): ScriptedResponse => {
    const response = typeof fallback === "function" ? fallback(request) : fallback;
    validateScriptedResponse(response, fixturesDir);
    return response;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Aborts when the response finishes or its connection closes; every delay listens to it.
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    res.on("error", () => controller.abort());
    const raw = await readBody(req);
    if (raw === undefined) return;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const body = parseBody(raw);
    const route = detectRoute(url.pathname, query, body);
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query,
      headers: lowercaseHeaders(req),
      body,
      protocol: route.protocol,
      stream: route.stream,
    };
    requests.push(request);
    seq += 1;
    const ctx: ResponseContext = {
      request,
      route,
      seq,
      fixturesDir,
      embeddingDimensions,
      protocolHeaders: protocolHeaders(route, seq),
      defaultResponse: () => defaultFor(request),
    };
    const wire = new Wire(res, controller.signal);
    try {
      if (batches.respond(wire, request, raw, seq)) return;
      await respond(wire, queue.shift() ?? defaultFor(request), ctx);
    } catch (error) {
      // A bad script or missing fixture: say so in the protocol's error shape, or cut a started response.
      const message =
        error instanceof Error ? error.message.replace(/^keel test server: /, "") : String(error);
      if (res.headersSent) wire.destroy();
      else sendError(wire, testServerError(route.protocol, 500, message), ctx.protocolHeaders);
    }
  };

  const server = createServer((req, res) => {
    const socket = req.socket;
    if (sockets.has(socket)) {
      sockets.set(socket, sockets.get(socket)! + 1);
      res.on("close", () => {
        if (sockets.has(socket)) sockets.set(socket, sockets.get(socket)! - 1);
      });
    }
    const handler = handle(req, res)
      .catch(() => {
        res.socket?.destroy();
      })
      .finally(() => handlers.delete(handler));
    handlers.add(handler);
  });
  server.on("connection", (socket: Socket) => {
    sockets.set(socket, 0);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    geminiBaseURL: url,
    fixturesDir,
    requests,
    batches,
    enqueue(...responses) {
      for (const response of responses) validateScriptedResponse(response, fixturesDir);
      queue.push(...responses);
    },
    setDefault(response) {
      if (typeof response !== "function") validateScriptedResponse(response, fixturesDir);
      fallback = response;
    },
    openConnections: () => sockets.size,
    inFlight: () => handlers.size,
    async waitForIdle(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A socket carrying no response (kept alive after one, or opened ahead by the client's
        // pool) is idle, not leaked: close it. Node's closeIdleConnections() skips the latter.
        // end() sends a FIN and the socket closes only once the client has read it and closed its
        // side, which is when it drops the socket from its pool. destroy() would close our side at
        // once, so this could return before the client noticed, and its next request could go out
        // on the dead socket ("Connection error").
        for (const [socket, responses] of sockets) if (responses === 0 && !socket.writableEnded) socket.end();
        if (sockets.size === 0) return;
        if (Date.now() >= deadline) {
          throw new KeelError(
            `keel test server: ${sockets.size} socket(s) still open after ${timeoutMs} ms (${handlers.size} response(s) in flight)`,
          );
        }
        await sleep(5);
      }
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      fallback = INITIAL_DEFAULT;
      batches.reset();
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets.keys()) socket.destroy();
        await closed;
        await Promise.allSettled([...handlers]);
      })();
      return closing;
    },
  };
}

/** Reads the whole request body; undefined when the client went away first. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function lowercaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
