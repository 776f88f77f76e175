/**
 * End-to-end: every HTTP status and in-stream failure the wire test server can produce, through
 * the real `openai` SDK, lands in the right Keel error; abort, deadline and breaking out of a
 * stream really cancel the HTTP request (the server sees the socket close).
 */
import {
  AbortedError,
  AuthenticationError,
  ContentFilteredError,
  ContextLengthExceededError,
  InvalidRequestError,
  type Model,
  NetworkError,
  OutputParseError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  type StreamEvent,
  TimeoutError,
} from "@keel/core";
import { OpenAI } from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScriptedResponse, startTestServer, type TestServer } from "../testing/index.js";
import { openai, openaiResponses } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
// Nothing may leak: every socket is closed (or idle) when a test ends.
afterEach(() => server.waitForIdle());

/** The SDK logs unparseable SSE lines itself; Keel already turns them into a typed error. */
const quietClient = () =>
  new OpenAI({
    baseURL: server.openaiBaseURL,
    apiKey: "test",
    maxRetries: 0,
    logLevel: "off",
  });
const models: Array<[string, () => Model]> = [
  ["chat", () => openai("gpt-4o", { client: quietClient() })],
  ["responses", () => openaiResponses("o4-mini", { client: quietClient() })],
];
const ask = { messages: [{ role: "user" as const, content: "hi" }] };

async function streamFailure(model: Model): Promise<{ events: StreamEvent[]; error: unknown }> {
  const events: StreamEvent[] = [];
  try {
    for await (const event of model.stream(ask)) events.push(event);
  } catch (error) {
    return { events, error };
  }
  throw new Error("expected the stream to fail");
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe.each(models)("%s: HTTP errors map to the Keel hierarchy", (_name, make) => {
  const cases: Array<[string, ScriptedResponse, new (...args: any[]) => Error, Record<string, unknown>]> = [
    [
      "429 + retry-after-ms",
      { fault: "rate-limit", retryAfterMs: 1500 },
      RateLimitedError,
      { status: 429, retryAfterMs: 1500, retryable: true },
    ],
    [
      "429 + retry-after seconds",
      { fault: "rate-limit", retryAfterSeconds: 2 },
      RateLimitedError,
      { retryAfterMs: 2000 },
    ],
    [
      "429 insufficient_quota",
      { fault: "quota-exhausted" },
      QuotaExhaustedError,
      { status: 429, retryable: false },
    ],
    ["500", { fault: "server-error" }, ProviderUnavailableError, { status: 500, retryable: true }],
    ["503 overloaded", { fault: "unavailable" }, OverloadedError, { status: 503, retryable: true }],
    ["502", { error: { status: 502, message: "Bad gateway" } }, ProviderUnavailableError, { status: 502 }],
    [
      "503 unavailable",
      { error: { status: 503, message: "Service unavailable" } },
      ProviderUnavailableError,
      { status: 503 },
    ],
    [
      "401",
      { error: { status: 401, message: "Incorrect API key provided" } },
      AuthenticationError,
      { status: 401 },
    ],
    ["403", { error: { status: 403, message: "Country not supported" } }, PermissionError, { status: 403 }],
    [
      "404",
      { error: { status: 404, message: "The model does not exist" } },
      InvalidRequestError,
      { status: 404 },
    ],
    ["409", { error: { status: 409, message: "Lock timeout" } }, ProviderUnavailableError, { status: 409 }],
    ["422", { error: { status: 422, message: "Unprocessable" } }, InvalidRequestError, { status: 422 }],
    [
      "400 context_length_exceeded",
      {
        error: {
          status: 400,
          code: "context_length_exceeded",
          message: "This model's maximum context length is 128000 tokens.",
        },
      },
      ContextLengthExceededError,
      { status: 400, retryable: false },
    ],
    [
      "400 content_filter (request blocked)",
      { error: { status: 400, code: "content_filter", message: "The prompt was filtered." } },
      ContentFilteredError,
      { status: 400 },
    ],
  ];

  it.each(cases)("%s", async (_label, scripted, Expected, fields) => {
    server.enqueue(scripted);
    const generated = await make()
      .generate(ask)
      .catch((e: unknown) => e);
    expect(generated).toBeInstanceOf(Expected);
    expect(generated).toMatchObject({ provider: "openai", ...fields });
    server.enqueue(scripted);
    const streamed = await make()
      .stream(ask)
      .response.catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Expected);
    expect(streamed).toMatchObject(fields);
    // One attempt each: the SDK's own retries are off.
    expect(server.requests).toHaveLength(2);
  });
});

describe.each(models)("%s: broken connections and bodies", (_name, make) => {
  it("reset before the first byte is a NetworkError", async () => {
    server.enqueue({ fault: "reset-before-first-byte" }, { fault: "reset-before-first-byte" });
    await expect(make().generate(ask)).rejects.toBeInstanceOf(NetworkError);
    await expect(make().stream(ask).response).rejects.toBeInstanceOf(NetworkError);
  });

  it("a reset mid-stream delivers the text before it, then a NetworkError", async () => {
    server.enqueue({ fault: "reset-mid-stream", afterChunks: 2, text: "one two three four" });
    const { events, error } = await streamFailure(make());
    expect(events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text)).toEqual([
      "one",
      " two",
    ]);
    expect(error).toBeInstanceOf(NetworkError);
    expect(events.at(-1)).toEqual({ type: "error", error });
  });

  // A body broken on the way is retryable (as in the Anthropic adapter): another attempt or endpoint may get the real answer.
  it("a malformed SSE line is a retryable OutputParseError", async () => {
    server.enqueue({ fault: "malformed-sse" });
    const { error } = await streamFailure(make());
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error).toMatchObject({ retryable: true });
  });

  it("a JSON body cut in half is a retryable OutputParseError", async () => {
    server.enqueue({ fault: "truncated-json" });
    const error = await make()
      .generate(ask)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error).toMatchObject({ retryable: true });
  });

  it("an HTML page with status 200 is a retryable OutputParseError, for calls and streams", async () => {
    server.enqueue({ fault: "wrong-content-type" }, { fault: "wrong-content-type" });
    const generated = await make()
      .generate(ask)
      .catch((e: unknown) => e);
    expect(generated).toBeInstanceOf(OutputParseError);
    expect(generated).toMatchObject({ retryable: true });
    const error = await make()
      .stream(ask)
      .response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/text\/html/);
  });

  it("an in-stream error event after some text is a typed error (server_error → ProviderUnavailableError)", async () => {
    server.enqueue({ fault: "stream-error-event", afterChunks: 1, text: "partial answer" });
    const { events, error } = await streamFailure(make());
    expect(events.some((e) => e.type === "text-delta")).toBe(true);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: undefined, retryable: true });
  });

  it("a stream that closes cleanly before it finished is a NetworkError (truncated), not a short answer", async () => {
    server.enqueue({ fault: "reset-mid-stream", afterChunks: 1 });
    const { error } = await streamFailure(make());
    expect(error).toBeInstanceOf(NetworkError);
  });
});

describe("chat: a stream closed cleanly without finish_reason", () => {
  it("is a NetworkError that says it was truncated", async () => {
    const chunk = {
      id: "chatcmpl-x",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o",
      choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }],
    };
    server.enqueue({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: `data: ${JSON.stringify(chunk)}\n\n`,
    });
    const { events, error } = await streamFailure(models[0]![1]());
    expect(events.filter((e) => e.type === "text-delta")).toEqual([{ type: "text-delta", text: "Hel" }]);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/truncated/);
  });
});

describe.each(models)("%s: cancelling really cancels the HTTP request", (_name, make) => {
  const stall: ScriptedResponse = { fault: "stall", afterChunks: 2, stallMs: 60_000, text: "a b c d e" };

  it("breaking out of the loop mid-stream closes the connection on the server side", async () => {
    server.enqueue(stall);
    const stream = make().stream(ask);
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === "text-delta") seen.push(event.text);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["a", " b"]);
    // The stall would keep the socket open for a minute; the server sees it close now.
    await server.waitForIdle();
    expect(server.openConnections()).toBe(0);
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
  });

  it("aborting the signal mid-stream ends the stream with AbortedError and closes the connection", async () => {
    server.enqueue(stall);
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    let error: unknown;
    try {
      for await (const event of make().stream(ask, { signal: controller.signal })) {
        events.push(event);
        if (events.filter((e) => e.type === "text-delta").length === 2) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AbortedError);
    await server.waitForIdle();
  });

  it("a deadline that passes mid-stream ends it with TimeoutError and closes the connection", async () => {
    server.enqueue(stall);
    const error = await make()
      .stream(ask, { deadline: Date.now() + 300 })
      .response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    await server.waitForIdle();
  });

  it("aborting while waiting for the first byte cancels generate", async () => {
    server.enqueue({ fault: "slow-first-byte", delayMs: 60_000 });
    const controller = new AbortController();
    const call = make().generate(ask, { signal: controller.signal });
    await until(() => server.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    await server.waitForIdle();
  });

  it("a deadline while waiting for the first byte is a TimeoutError for generate", async () => {
    server.enqueue({ fault: "slow-first-byte", delayMs: 60_000 });
    await expect(make().generate(ask, { deadline: Date.now() + 200 })).rejects.toBeInstanceOf(TimeoutError);
    await server.waitForIdle();
  });

  it("an already-aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(make().generate(ask, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    await expect(make().stream(ask, { signal: controller.signal }).response).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(server.requests).toHaveLength(0);
  });
});
