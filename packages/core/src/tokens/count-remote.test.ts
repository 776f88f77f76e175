import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, RateLimitedError } from "../errors.js";
import type { ModelRequest } from "../model.js";
import { countTokensRemote } from "./count-remote.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: any;
}

// A loopback server that speaks the two count-tokens endpoints' wire format.
let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(data) });
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request: ModelRequest = {
  messages: [
    { role: "system", content: "You are a scientist" },
    { role: "user", content: "Hello, Claude" },
    { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "lookup", arguments: { q: "x" } }] },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "t1", name: "lookup", result: { ok: true } }],
    },
  ],
  tools: [
    {
      name: "lookup",
      description: "Look up",
      inputSchema: { type: "object", properties: { q: { type: "string" } } },
    },
  ],
  toolChoice: "required",
};

describe("countTokensRemote", () => {
  it("calls Anthropic's count_tokens with a Messages-API body", async () => {
    reply = { status: 200, body: { input_tokens: 421 } };
    const n = await countTokensRemote(request, {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      apiKey: "k1",
      baseUrl: base,
    });
    expect(n).toBe(421);
    const last = seen.at(-1)!;
    expect(last.url).toBe("/v1/messages/count_tokens");
    expect(last.headers["x-api-key"]).toBe("k1");
    expect(last.headers["anthropic-version"]).toBe("2023-06-01");
    expect(last.body.system).toBe("You are a scientist");
    expect(last.body.tool_choice).toEqual({ type: "any" });
    expect(last.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(last.body.messages[2].content[0]).toEqual({
      type: "tool_result",
      tool_use_id: "t1",
      content: '{"ok":true}',
    });
    expect(last.body.tools[0].input_schema.properties.q.type).toBe("string");
  });

  it("calls Gemini's countTokens with a full generateContentRequest", async () => {
    reply = { status: 200, body: { totalTokens: 37 } };
    const n = await countTokensRemote(request, {
      provider: "gemini",
      model: "gemini-2.5-flash",
      apiKey: "g1",
      baseUrl: base,
    });
    expect(n).toBe(37);
    const last = seen.at(-1)!;
    expect(last.url).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(last.headers["x-goog-api-key"]).toBe("g1");
    const body = last.body.generateContentRequest;
    expect(body.model).toBe("models/gemini-2.5-flash");
    expect(body.systemInstruction.parts[0].text).toBe("You are a scientist");
    expect(body.contents[1].parts[0].functionCall).toEqual({ name: "lookup", args: { q: "x" } });
    expect(body.tools[0].functionDeclarations[0].name).toBe("lookup");
  });

  it("maps HTTP failures to typed errors", async () => {
    reply = { status: 429, body: { error: "slow down" }, headers: { "retry-after": "3" } };
    const error = await countTokensRemote(request, {
      provider: "anthropic",
      model: "m",
      apiKey: "k",
      baseUrl: base,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(3000);
    reply = { status: 401, body: { error: "bad key" } };
    await expect(
      countTokensRemote(request, { provider: "gemini", model: "m", apiKey: "k", baseUrl: base }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
