import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, isKeelError, ProviderUnavailableError } from "../errors.js";
import { EventHub } from "../events.js";
import { McpClient, type McpClientOptions } from "./mcp-client.js";
import {
  bundleFixtures,
  type FixtureBundle,
  type HttpFixture,
  startHttpFixture,
} from "./node/__fixtures__/fixture-processes.js";

let bundle: FixtureBundle;
let server: HttpFixture;
const clients: McpClient[] = [];

beforeAll(async () => {
  bundle = await bundleFixtures();
  server = await startHttpFixture(bundle);
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
});

function httpClient(path: string, options: Partial<McpClientOptions> = {}): McpClient {
  const client = new McpClient({
    name: "fixture-http",
    server: { transport: "http", url: `${server.base}${path}` },
    reconnect: { attempts: 2, initialDelayMs: 10 },
    ...options,
  });
  clients.push(client);
  return client;
}

async function seenByServer(client: McpClient): Promise<string[]> {
  return JSON.parse((await client.callTool("events", {})).text);
}

describe("McpClient over Streamable HTTP", () => {
  // First, while no other client holds sockets to the server.
  it("terminates its session on close and leaves no open stream or socket behind", async () => {
    const client = httpClient("/mcp");
    await client.tools();
    // The session's standalone GET stream is open while connected.
    await expect.poll(() => server.stats()).toMatchObject({ sessions: 1, busy: 1 });
    await client.close();
    await expect.poll(() => server.stats()).toMatchObject({ sessions: 0, busy: 0 });
    // Idle keep-alive sockets of the fetch pool close at the server's keep-alive timeout.
    await expect.poll(() => server.stats().then((s) => s.sockets), { timeout: 5_000 }).toBe(0);
  });

  it("lists tools, calls one, cancels a hanging one on the server and refreshes on list changes", async () => {
    const changed: string[][] = [];
    const client = httpClient("/mcp", { onToolsChanged: (tools) => changed.push(tools.map((t) => t.name)) });
    expect(await client.tools()).toHaveLength(12);
    expect((await client.callTool("add", { a: 20, b: 22 })).text).toBe("42");

    const controller = new AbortController();
    const hang = client.callTool("hang", {}, controller.signal);
    await expect.poll(() => seenByServer(client)).toContainEqual(expect.stringMatching(/^hang-started:/));
    controller.abort();
    await expect(hang).rejects.toSatisfy(isKeelError);
    const id = (await seenByServer(client)).find((s) => s.startsWith("hang-started:"))!.split(":")[1];
    await expect.poll(() => seenByServer(client)).toContain(`cancelled:${id}`);

    // The notification arrives on the session's standalone GET stream.
    await client.callTool("add_tool", {});
    await expect.poll(() => changed.length).toBe(1);
    expect(changed[0]).toContain("late_tool");
  });

  it("falls back to the older HTTP+SSE transport when the server refuses Streamable HTTP", async () => {
    const client = httpClient("/legacy");
    expect((await client.callTool("add", { a: 1, b: 2 })).text).toBe("3");
    expect((await server.stats()).legacy).toBe(1);
    await client.close();
    await expect.poll(() => server.stats().then((s) => s.legacy)).toBe(0);
  });

  it("refuses a URL that is not http(s) at once, without retrying", async () => {
    const hub = new EventHub();
    let attempts = 0;
    hub.on((e) => void (e.type === "mcp.connect.failed" && attempts++));
    const client = new McpClient({
      name: "bad",
      server: { transport: "http", url: "ftp://127.0.0.1/mcp" },
      events: hub,
    });
    await expect(client.connect()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(attempts).toBe(1);
  });

  it("speaks only HTTP+SSE when told to", async () => {
    const client = new McpClient({ name: "sse", server: { transport: "sse", url: `${server.base}/legacy` } });
    clients.push(client);
    expect((await client.listTools()).length).toBe(12);
    await client.close();
  });

  // Last: it kills the shared server and starts its replacement on the same port.
  it("gives a typed error when the HTTP server dies mid-call, and reconnects once it is back", async () => {
    const client = httpClient("/mcp", { name: "gone" });
    const error = await client.callTool("die", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ provider: "mcp:gone", retryable: true });
    await server.stop();
    await expect(client.callTool("add", { a: 1, b: 1 })).rejects.toBeInstanceOf(ProviderUnavailableError);
    server = await startHttpFixture(bundle, Number(new URL(server.base).port));
    expect((await client.callTool("add", { a: 1, b: 1 })).text).toBe("2");
  });
});
