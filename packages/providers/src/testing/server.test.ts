import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidRequestError } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { findFixturesDir } from "./fixture-replay.js";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => vi.unstubAllEnvs());

function post(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

describe("startTestServer", () => {
  it("listens on 127.0.0.1 and exposes each SDK's base URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.openaiBaseURL).toBe(`${server.url}/v1`);
    expect(server.anthropicBaseURL).toBe(server.url);
    expect(server.geminiBaseURL).toBe(server.url);
  });

  it("answers from the queue in order, then with the default, then with a default function", async () => {
    server.enqueue({ text: "first" }, { text: "second" });
    const texts = async () =>
      (await (await post("/v1/chat/completions", chat)).json()).choices[0].message.content;
    expect([await texts(), await texts(), await texts()]).toEqual(["first", "second", "ok"]);
    server.setDefault((req) => ({ text: `you said ${req.body.messages[0].content}` }));
    expect(await texts()).toBe("you said hi");
    server.setDefault({ status: 204 });
    expect((await post("/v1/chat/completions", chat)).status).toBe(204);
  });

  it("reset clears the queue, the default and the recorded requests (keeping the same array)", async () => {
    const requests = server.requests;
    server.enqueue({ text: "queued" });
    server.setDefault({ text: "custom" });
    await post("/v1/chat/completions", chat);
    expect(requests).toHaveLength(1);
    server.reset();
    expect(server.requests).toBe(requests);
    expect(requests).toHaveLength(0);
    const res = await post("/v1/chat/completions", chat);
    expect((await res.json()).choices[0].message.content).toBe("ok");
  });

  it("records method, path, query, lowercased headers, parsed or raw body, protocol and stream", async () => {
    await post(
      "/v1/messages",
      { model: "c", max_tokens: 1, messages: [], stream: true },
      {
        headers: { "X-Custom-Header": "Value", "content-type": "application/json" },
      },
    );
    await post("/v1beta/models/gemini-pro:generateContent?key=abc", { contents: [] });
    await post("/v1/chat/completions", "not json");
    await fetch(`${server.url}/health`);
    expect(server.requests.map(({ headers: _, ...rest }) => rest)).toEqual([
      {
        method: "POST",
        path: "/v1/messages",
        query: {},
        body: { model: "c", max_tokens: 1, messages: [], stream: true },
        protocol: "anthropic",
        stream: true,
      },
      {
        method: "POST",
        path: "/v1beta/models/gemini-pro:generateContent",
        query: { key: "abc" },
        body: { contents: [] },
        protocol: "gemini",
        stream: false,
      },
      {
        method: "POST",
        path: "/v1/chat/completions",
        query: {},
        body: "not json",
        protocol: "openai",
        stream: false,
      },
      { method: "GET", path: "/health", query: {}, body: undefined, protocol: "unknown", stream: false },
    ]);
    expect(server.requests[0]!.headers["x-custom-header"]).toBe("Value");
  });

  it("answers a scripted text on an unknown path with a clear 404, and raw responses anywhere", async () => {
    const missing = await post("/v2/whatever", {});
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toMatch(
      /keel test server: no OpenAI, Anthropic or Gemini route for POST \/v2\/whatever/,
    );
    server.enqueue(
      { status: 200, json: { status: "ok" } },
      { status: 418, headers: { "x-teapot": "yes" }, body: "short and stout" },
    );
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
    const raw = await fetch(`${server.url}/brew`);
    expect([raw.status, raw.headers.get("x-teapot"), await raw.text()]).toEqual([
      418,
      "yes",
      "short and stout",
    ]);
  });

  it("renders a scripted { error } in each protocol's error shape", async () => {
    const error = {
      status: 400,
      message: "This model's maximum context length is 128000 tokens.",
      code: "context_length_exceeded",
    };
    server.enqueue({ error }, { error }, { error });
    const openai = await post("/v1/chat/completions", chat);
    const anthropic = await post("/v1/messages", { model: "c", messages: [] });
    const gemini = await post("/v1beta/models/g:generateContent", { contents: [] });
    expect([openai.status, anthropic.status, gemini.status]).toEqual([400, 400, 400]);
    expect(await openai.json()).toEqual({
      error: {
        message: error.message,
        type: "invalid_request_error",
        param: null,
        code: "context_length_exceeded",
      },
    });
    expect(await anthropic.json()).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: error.message },
    });
    expect(await gemini.json()).toEqual({
      error: { code: 400, message: error.message, status: "INVALID_ARGUMENT" },
    });
    expect(openai.headers.get("x-request-id")).toMatch(/^req_/);
    expect(anthropic.headers.get("request-id")).toMatch(/^req_/);
  });

  it("answers count-tokens endpoints", async () => {
    server.enqueue(
      { text: "", usage: { input: 11, output: 0 } },
      { text: "", usage: { input: 13, output: 0 } },
    );
    expect(await (await post("/v1/messages/count_tokens", { messages: [] })).json()).toEqual({
      input_tokens: 11,
    });
    expect((await (await post("/v1beta/models/g:countTokens", {})).json()).totalTokens).toBe(13);
  });

  it("spaces stream events by chunkDelayMs (real timers, so fake timers in a test do not freeze it)", async () => {
    vi.useFakeTimers();
    try {
      server.enqueue({ text: "a b c", chunkDelayMs: 1 });
      const res = await post("/v1/chat/completions", { ...chat, stream: true });
      expect(await res.text()).toContain("[DONE]");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("scripted response validation", () => {
  it.each([
    [{ fault: "explode" }, /unknown fault "explode"/],
    [{ fault: "stall" }, /stallMs is required/],
    [{ fault: "slow-first-byte", delayMs: -1 }, /delayMs must be a non-negative number/],
    [{ text: "x", chunks: 0 }, /chunks must be a positive integer/],
    [{ status: 99 }, /status must be an HTTP status code/],
    [{ nothing: true }, /expected one of/],
    [
      { fixture: "openai/no-such-file.sse" },
      /fixture "openai\/no-such-file.sse" not found \(looked for .*no-such-file.sse/,
    ],
  ])("rejects %j when enqueued", (response, message) => {
    expect(() => server.enqueue(response as never)).toThrow(InvalidRequestError);
    expect(() => server.enqueue(response as never)).toThrow(message);
  });

  it("answers with a protocol-shaped 500 naming the problem when a default function returns a bad script", async () => {
    server.setDefault(() => ({ fixture: "gemini/missing.json" }));
    const res = await post("/v1beta/models/g:generateContent", {});
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 500, status: "INTERNAL" });
    expect(body.error.message).toMatch(/keel test server: .*fixture "gemini\/missing.json" not found/);
  });

  it("refuses tool arguments a protocol cannot carry, but streams them verbatim where it can", async () => {
    server.enqueue({ text: "", toolCalls: [{ name: "t", arguments: '{"city": "Par' }] });
    const anthropic = await post("/v1/messages", { model: "c", messages: [] });
    expect(anthropic.status).toBe(500);
    expect((await anthropic.json()).error.message).toMatch(/not a JSON object/);
    server.enqueue({ text: "", toolCalls: [{ name: "t", arguments: '{"city": "Par' }] });
    const openai = await (await post("/v1/chat/completions", chat)).json();
    expect(openai.choices[0].message.tool_calls[0].function.arguments).toBe('{"city": "Par');
  });
});

describe("fixtures", () => {
  it("finds ../shared/fixtures/wire by walking up, or takes KEEL_FIXTURES_DIR", () => {
    expect(findFixturesDir()).toMatch(/shared\/fixtures\/wire$/);
    expect(server.fixturesDir).toBe(findFixturesDir());
    vi.stubEnv("KEEL_FIXTURES_DIR", "/somewhere/else");
    expect(findFixturesDir()).toBe("/somewhere/else");
  });

  it("serves .json fixtures with the status their error implies", async () => {
    server.enqueue(
      { fixture: "openai/error-429-insufficient-quota.json" },
      { fixture: "anthropic/error-event-overloaded.from-issue.json" },
      { fixture: "openai/error-400-unsupported-parameter.json" },
      { fixture: "openai/chat-completion-text.json" },
      { fixture: "openai/chat-completion-text.json", status: 201, headers: { "x-extra": "1" } },
    );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post("/v1/chat/completions", chat)).status);
    expect(statuses).toEqual([429, 529, 400, 200, 201]);
  });

  it("frames .chunks.jsonl per provider and serves .ndjson as application/x-ndjson", async () => {
    server.enqueue(
      { fixture: "gemini/stream-function-call.chunks.jsonl" },
      { fixture: "ollama/api-generate-stream.docs-example.ndjson" },
    );
    const gemini = await (await post("/v1beta/models/g:streamGenerateContent?alt=sse", {})).text();
    expect(gemini).not.toContain("[DONE]");
    expect(gemini).not.toContain("event:");
    expect(
      gemini
        .split("\n\n")
        .filter(Boolean)
        .every((event) => event.startsWith("data: {")),
    ).toBe(true);
    const ndjson = await fetch(`${server.url}/api/generate`, { method: "POST", body: "{}" });
    expect(ndjson.headers.get("content-type")).toBe("application/x-ndjson");
    expect((await ndjson.text()).trim().split("\n").at(-1)).toContain('"done":true');
  });

  it("replays .sse bytes unchanged, CRLF included", async () => {
    const { readFileSync } = await import("node:fs");
    const expected = readFileSync(join(server.fixturesDir!, "gemini/stream-text.sse"), "utf8");
    server.enqueue({ fixture: "gemini/stream-text.sse", chunkDelayMs: 1 });
    expect(await (await post("/v1beta/models/g:streamGenerateContent?alt=sse", {})).text()).toBe(expected);
  });

  it("accepts an absolute fixture path and a fixturesDir option; the folder name picks the framing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keel-fixtures-"));
    try {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(join(dir, "anthropic"));
      writeFileSync(join(dir, "anthropic", "one.chunks.jsonl"), '{"type":"message_stop"}\n');
      const own = await startTestServer({ fixturesDir: dir });
      own.enqueue({ fixture: "anthropic/one.chunks.jsonl" });
      const res = await fetch(`${own.url}/v1/messages`, { method: "POST", body: "{}" });
      expect(await res.text()).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
      expect(() => own.enqueue({ fixture: "openai/chat-stream-text-usage.sse" })).toThrow(/fixtures dir is/);
      await own.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe("connections", () => {
  it("counts open sockets; waitForIdle closes keep-alive ones and returns openConnections() to 0", async () => {
    const own = await startTestServer();
    // fetch (undici) keeps sockets alive after each response, so they stay open until closed.
    await Promise.all(
      [1, 2, 3].map(() =>
        fetch(`${own.openaiBaseURL}/chat/completions`, { method: "POST", body: "{}" }).then((r) => r.text()),
      ),
    );
    expect(own.openConnections()).toBeGreaterThan(0);
    await own.waitForIdle();
    expect(own.openConnections()).toBe(0);
    await own.close();
  });

  it("waitForIdle resolves only once the client has dropped its kept-alive sockets, so the next request never takes a dead one", async () => {
    const own = await startTestServer();
    const agent = new Agent({ keepAlive: true });
    const postChat = () =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${own.openaiBaseURL}/chat/completions`, { method: "POST", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject);
        req.end("{}");
      });
    try {
      // Closing our side at once (destroy) used to let this loop send on a socket the client still
      // held in its pool: "socket hang up" within a few rounds.
      for (let round = 0; round < 30; round++) {
        expect(await Promise.all([postChat(), postChat(), postChat()])).toEqual([200, 200, 200]);
        await own.waitForIdle();
        expect(Object.values(agent.freeSockets).flat()).toHaveLength(0);
        expect(own.openConnections()).toBe(0);
      }
    } finally {
      agent.destroy();
      await own.close();
    }
  });

  it("a client without keep-alive leaves nothing open once its response is read", async () => {
    const own = await startTestServer();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${own.openaiBaseURL}/chat/completions`,
        { method: "POST", agent: false },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    expect(status).toBe(200);
    await expect.poll(() => own.openConnections()).toBe(0);
    await own.close();
  });

  it("waitForIdle rejects while a response is still being written (a leak), and close() ends it", async () => {
    const own = await startTestServer();
    own.enqueue({ fault: "slow-first-byte", delayMs: 60_000 });
    const pending = fetch(`${own.openaiBaseURL}/chat/completions`, { method: "POST", body: "{}" }).catch(
      (e) => e,
    );
    await expect.poll(() => own.inFlight()).toBe(1);
    await expect(own.waitForIdle(50)).rejects.toThrow(
      /1 socket\(s\) still open after 50 ms \(1 response\(s\) in flight\)/,
    );
    await own.close();
    expect(own.inFlight()).toBe(0);
    expect(own.openConnections()).toBe(0);
    expect(await pending).toBeInstanceOf(TypeError);
  });

  it("close() is idempotent", async () => {
    const own = await startTestServer();
    await Promise.all([own.close(), own.close()]);
    await own.close();
  });
});
