import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { defineFlow } from "../flows/define-flow.js";
import { tool } from "../tools/tool.js";
import { flowTool } from "./flow-tool.js";
import { McpClient } from "./mcp-client.js";
import { bundleFixtures, type FixtureBundle, isAlive } from "./node/__fixtures__/fixture-processes.js";
import { PNG_1X1 } from "./node/__fixtures__/fixture-server.js";
import { type McpHttpEndpoint, serveHttp } from "./node/serve.js";
import { McpToolServer } from "./tool-server.js";

const cancelled: string[] = [];

const shout = tool({
  name: "shout",
  description: "Upper-cases a text.",
  input: z.object({ text: z.string().min(1) }),
  execute: ({ text }) => text.toUpperCase(),
});
const picture = tool({
  name: "picture",
  input: z.object({}),
  execute: () => [
    { type: "text" as const, text: "a pixel" },
    { type: "image" as const, mediaType: "image/png", data: PNG_1X1 },
  ],
});
const stats = tool({
  name: "stats",
  input: z.object({ values: z.array(z.number()) }),
  execute: ({ values }) => ({ count: values.length, sum: values.reduce((a, b) => a + b, 0) }),
});
const broken = tool({
  name: "broken",
  input: z.object({}),
  execute: () => {
    throw new Error("no database");
  },
});
const slow = tool({
  name: "slow",
  input: z.object({}),
  timeoutMs: 100,
  execute: (_, { signal }) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
});
const wait = tool({
  name: "wait",
  input: z.object({}),
  execute: (_, { signal, toolCallId }) =>
    new Promise((_, reject) =>
      signal.addEventListener("abort", () => {
        cancelled.push(toolCallId);
        reject(signal.reason);
      }),
    ),
});
const wipe = tool({ name: "wipe", input: z.object({}), needsApproval: true, execute: () => "wiped" });

const Order = z.object({ qty: z.number().int().positive(), status: z.string().optional() });
const orderFlow = defineFlow({
  id: "place_order",
  context: Order,
  initial: "check",
  states: {
    check: { run: (ctx) => ({ status: ctx.qty > 10 ? "review" : "ok" }), next: "done" },
    done: { terminal: true },
  },
});

/** Sends a raw HTTP request (fetch will not set `Host`) and resolves with its status. */
function request(url: URL, options: { method: string; headers: Record<string, string> }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { ...options, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
  });
}

let bundle: FixtureBundle;
let server: McpToolServer;
let endpoint: McpHttpEndpoint;
let client: McpClient;
const changed: string[][] = [];

beforeAll(async () => {
  bundle = await bundleFixtures();
  server = new McpToolServer({
    name: "keel-tools",
    tools: [
      shout,
      picture,
      stats,
      broken,
      slow,
      wait,
      wipe,
      flowTool({ flow: orderFlow, description: "Places an order." }),
    ],
  });
  endpoint = await serveHttp(server);
  client = new McpClient({
    name: "keel",
    server: { transport: "http", url: endpoint.url },
    onToolsChanged: (tools) => changed.push(tools.map((t) => t.name)),
  });
});
afterAll(async () => {
  await client?.close();
  await endpoint?.close();
});

describe("Keel tools served over MCP", () => {
  it("lists the tools with their JSON Schemas, marking tools that need approval destructive", async () => {
    const listed = await client.listTools();
    expect(listed.map((t) => t.name)).toEqual([
      "shout",
      "picture",
      "stats",
      "broken",
      "slow",
      "wait",
      "wipe",
      "place_order",
    ]);
    expect(listed[0]).toMatchObject({
      description: "Upper-cases a text.",
      inputSchema: {
        type: "object",
        properties: { text: { type: "string", minLength: 1 } },
        required: ["text"],
      },
    });
    expect(listed.find((t) => t.name === "wipe")!.annotations).toEqual({ destructiveHint: true });
    const tools = await client.tools();
    expect(tools.find((t) => t.name === "wipe")!.needsApproval).toBe(true);
  });

  it("runs tools: text, media parts, structured results, flows", async () => {
    expect((await client.callTool("shout", { text: "hi" })).text).toBe("HI");
    expect((await client.callTool("picture", {})).parts).toEqual([
      { type: "text", text: "a pixel" },
      { type: "image", mediaType: "image/png", data: PNG_1X1 },
    ]);
    expect((await client.callTool("stats", { values: [1, 2, 3] })).structured).toEqual({ count: 3, sum: 6 });
    expect((await client.callTool("place_order", { qty: 12 })).structured).toEqual({
      state: "done",
      context: { qty: 12, status: "review" },
    });
  });

  it("answers invalid input, a throwing tool and a timeout with error results, and an unknown tool with a protocol error", async () => {
    const invalid = await client.callTool("shout", { text: "" });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toMatch(/Invalid arguments for tool "shout"/);
    expect(await client.callTool("broken", {})).toMatchObject({ isError: true, text: "no database" });
    const timedOut = await client.callTool("slow", {});
    expect(timedOut.isError).toBe(true);
    expect(timedOut.text).toMatch(/timed out after 100 ms/);
    await expect(client.callTool("nope", {})).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("aborts the tool's signal when the client cancels the call", async () => {
    const controller = new AbortController();
    const pending = client.callTool("wait", {}, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    await expect.poll(() => cancelled.length).toBe(1);
  });

  it("tells connected clients when the tool set changes", async () => {
    await client.tools();
    await server.setTools([shout]);
    await expect.poll(() => changed.at(-1)).toEqual(["shout"]);
    await server.setTools([shout, picture, stats, broken, slow, wait, wipe]);
  });

  it("refuses requests without a session, or with an unknown one", async () => {
    expect((await fetch(endpoint.url)).status).toBe(405);
    const unknown = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "mcp-session-id": "nope",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(unknown.status).toBe(404);
    const notInit = await fetch(endpoint.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(notInit.status).toBe(400);
  });

  it("refuses browser origins it was not told to allow, and non-loopback Host names on loopback", async () => {
    const post = (headers: Record<string, string>) =>
      request(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      });
    expect(await post({ origin: "https://evil.example" })).toBe(403);
    expect(await post({ host: `evil.example:${endpoint.url.port}` })).toBe(403);
    const open = new McpToolServer({ name: "x", tools: [shout], allowedOrigins: ["https://app.example"] });
    const served = await serveHttp(open);
    try {
      const allowed = new McpClient({
        name: "browserish",
        server: { transport: "http", url: served.url, headers: { origin: "https://app.example" } },
      });
      expect((await allowed.callTool("shout", { text: "ok" })).text).toBe("OK");
      await allowed.close();
    } finally {
      await served.close();
    }
  });

  it("rejects duplicate or badly named tools", () => {
    expect(() => new McpToolServer({ name: "x", tools: [shout, shout] })).toThrow(InvalidRequestError);
    expect(() => new McpToolServer({ name: "x", tools: [{ ...shout, name: "a b" }] })).toThrow(
      InvalidRequestError,
    );
  });

  it("serves over stdio in a child process that exits when the client closes", async () => {
    const stdio = new McpClient({
      name: "keel-stdio",
      server: { transport: "stdio", command: process.execPath, args: [bundle.path("keel-stdio-main")] },
    });
    try {
      expect((await stdio.callTool("shout", { text: "stdio" })).text).toBe("STDIO");
      const pid = stdio.pid!;
      await stdio.close();
      expect(isAlive(pid)).toBe(false);
    } finally {
      await stdio.close();
    }
  });
});
