// HTTP errors, in-stream errors, broken transports and cancellation, through the real SDK.
import {
  AbortedError,
  AuthenticationError,
  ContextLengthExceededError,
  InvalidRequestError,
  type KeelError,
  type Model,
  NetworkError,
  OutputParseError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ScriptedResponse, startTestServer, type TestServer } from "../testing/index.js";
import { toAnthropicKeelError } from "./errors.js";
import { anthropic } from "./index.js";

let server: TestServer;
let model: Model;

beforeAll(async () => {
  server = await startTestServer();
  model = anthropic("claude-sonnet-4-6", { baseURL: server.anthropicBaseURL, apiKey: "test" });
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => vi.useRealTimers());

const ask = { messages: [{ role: "user" as const, content: "hi" }] };

async function generateError(response: ScriptedResponse): Promise<KeelError> {
  server.enqueue(response);
  return model.generate(ask).then(
    () => expect.fail("expected the call to fail"),
    (error: KeelError) => error,
  );
}

async function streamError(
  response: ScriptedResponse,
  m: Model = model,
): Promise<{ error: KeelError; text: string }> {
  server.enqueue(response);
  let text = "";
  try {
    for await (const event of m.stream(ask)) if (event.type === "text-delta") text += event.text;
  } catch (error) {
    return { error: error as KeelError, text };
  }
  return expect.fail("expected the stream to fail");
}

const httpError = (status: number, type: string, message: string): ScriptedResponse => ({
  error: { status, type, message },
});

describe("HTTP errors map by status and error.type", () => {
  it.each([
    [400, "invalid_request_error", "messages: roles must alternate", InvalidRequestError],
    [
      400,
      "invalid_request_error",
      "prompt is too long: 215000 tokens > 200000 maximum",
      ContextLengthExceededError,
    ],
    [
      400,
      "invalid_request_error",
      "input length and `max_tokens` exceed context limit: 197232 + 8192 > 200000",
      ContextLengthExceededError,
    ],
    [401, "authentication_error", "invalid x-api-key", AuthenticationError],
    [403, "permission_error", "Your API key does not have permission", PermissionError],
    [404, "not_found_error", "model: claude-nope", InvalidRequestError],
    [413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", InvalidRequestError],
    [429, "rate_limit_error", "Number of requests has exceeded your rate limit", RateLimitedError],
    [500, "api_error", "Internal server error", ProviderUnavailableError],
    [529, "overloaded_error", "Overloaded", OverloadedError],
  ])("%i %s (%s)", async (status, type, message, ErrorClass) => {
    const error = await generateError(httpError(status, type, message));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, provider: "anthropic" });
    expect(error.message).toBe(`Anthropic ${status} ${type}: ${message}`);
    expect(error.body).toMatchObject({ type: "error", error: { type, message } });
  });

  it("529 fault: OverloadedError, retryable", async () => {
    const error = await generateError({ fault: "overloaded" });
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: 529, retryable: true });
  });

  it("429 with retry-after: RateLimitedError.retryAfterMs in milliseconds", async () => {
    const error = await generateError({ fault: "rate-limit", retryAfterSeconds: 7 });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000 });
  });

  it("429 with only anthropic-ratelimit-*-reset: retryAfterMs from the latest reset", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-29T12:00:00Z") });
    const error = await generateError({
      error: {
        status: 429,
        type: "rate_limit_error",
        message: "rate limited",
        headers: {
          "anthropic-ratelimit-requests-reset": "2026-11-29T12:00:03Z",
          "anthropic-ratelimit-tokens-reset": "2026-11-29T12:00:12Z",
        },
      },
    });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(12_000);
  });

  it("400 'credit balance is too low' is quota exhausted, not a bad request", async () => {
    const error = await generateError({ fault: "quota-exhausted" });
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error.retryable).toBe(false);
  });

  it("x-should-retry: false overrides a retryable class", async () => {
    const error = await generateError({
      error: { status: 500, type: "api_error", message: "boom", headers: { "x-should-retry": "false" } },
    });
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.retryable).toBe(false);
  });
});

describe("broken transports", () => {
  it("reset before the first byte: NetworkError", async () => {
    expect(await generateError({ fault: "reset-before-first-byte" })).toBeInstanceOf(NetworkError);
  });

  it("truncated JSON body: retryable OutputParseError", async () => {
    const error = await generateError({ fault: "truncated-json" });
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error.retryable).toBe(true);
  });

  it("HTML with status 200: retryable OutputParseError, for generate and stream", async () => {
    expect(await generateError({ fault: "wrong-content-type" })).toBeInstanceOf(OutputParseError);
    const { error } = await streamError({ fault: "wrong-content-type" });
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error.message).toMatch(/text\/html/);
  });

  it("connection reset mid-stream: NetworkError after the delivered text", async () => {
    const { error, text } = await streamError({
      fault: "reset-mid-stream",
      afterChunks: 2,
      text: "one two three four",
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect(text).toBe("one two");
  });

  it("malformed SSE line: OutputParseError", async () => {
    const { error } = await streamError({ fault: "malformed-sse", afterChunks: 1, text: "a b c" });
    expect(error).toBeInstanceOf(OutputParseError);
  });

  it("in-stream error event (server fault): OverloadedError after the delivered text", async () => {
    const { error, text } = await streamError({ fault: "stream-error-event", afterChunks: 2, text: "x y z" });
    expect(error).toBeInstanceOf(OverloadedError);
    expect(text).toBe("x y");
  });

  it("a stream that ends without message_stop: NetworkError", async () => {
    const start = {
      type: "message_start",
      message: { id: "m", model: "x", usage: { input_tokens: 1, output_tokens: 1 } },
    };
    const { error } = await streamError({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: `event: message_start\ndata: ${JSON.stringify(start)}\n\n`,
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toMatch(/before message_stop/);
  });
});

describe("cancellation closes the connection on the server side", () => {
  // The server writes two text deltas and then nothing for a minute. Its response can only stop
  // being in flight early if the client hangs up (a stall ends when its connection closes).
  const stalled: ScriptedResponse = {
    fault: "stall",
    afterChunks: 2,
    stallMs: 60_000,
    text: "one two three",
  };
  const own = () => anthropic("claude-sonnet-4-6", { baseURL: server.anthropicBaseURL, apiKey: "test" });

  async function expectServerSawHangUp(): Promise<void> {
    // (waitForIdle is not used: after an aborted request undici opens a fresh, unused socket that
    // Node's closeIdleConnections does not count as idle.)
    await vi.waitFor(() => expect(server.inFlight()).toBe(0), { timeout: 5000 });
  }

  it("breaking out of the loop mid-stream", async () => {
    server.enqueue(stalled);
    const stream = own().stream(ask);
    let text = "";
    for await (const event of stream) {
      if (event.type !== "text-delta") continue;
      text += event.text;
      if (text === "one two") break;
    }
    expect(server.inFlight()).toBe(1);
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    await expectServerSawHangUp();
  });

  it("aborting the caller's signal mid-stream", async () => {
    server.enqueue(stalled);
    const controller = new AbortController();
    const reason = new Error("user went away");
    const stream = own().stream(ask, { signal: controller.signal });
    const events: string[] = [];
    const run = (async () => {
      for await (const event of stream) {
        events.push(event.type);
        if (event.type === "text-delta") controller.abort(reason);
      }
    })();
    const error = await run.then(
      () => expect.fail("expected an abort"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toBe(reason);
    expect(events.at(-1)).toBe("error");
    await expectServerSawHangUp();
  });

  it("a passed deadline cancels a stalled stream with TimeoutError", async () => {
    server.enqueue(stalled);
    const stream = own().stream(ask, { deadline: Date.now() + 300 });
    await expect(stream.response).rejects.toBeInstanceOf(TimeoutError);
    await expectServerSawHangUp();
  });

  it("aborting generate while the server has not answered", async () => {
    server.enqueue({ fault: "slow-first-byte", delayMs: 60_000 });
    const controller = new AbortController();
    const call = own().generate(ask, { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    await expectServerSawHangUp();
  });

  it("an already-aborted signal fails generate with AbortedError", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(model.generate(ask, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});

describe("errors from the oldest SDK the peer range allows (@anthropic-ai/sdk 0.60)", () => {
  // 0.60's APIError as it was built: no `type` or `apiMessage`, the parsed body in `error`, and a
  // message that is the status and the whole body as raw JSON.
  class ApiError060 extends Error {
    readonly status: number;
    readonly headers: Headers;
    readonly error: unknown;
    readonly requestID: string | null;
    constructor(status: number, error: Record<string, unknown>, headers: Headers, name: string) {
      super(`${status} ${error.message ? error.message : JSON.stringify(error)}`);
      this.name = name;
      this.status = status;
      this.headers = headers;
      this.error = error;
      this.requestID = headers.get("request-id");
    }
  }
  const body = (type: string, message: string, details?: unknown) => ({
    type: "error",
    error: { type, message, ...(details !== undefined ? { details } : {}) },
  });
  const headers = new Headers({ "request-id": "req_011CV" });

  it.each([
    [
      400,
      "BadRequestError",
      body("invalid_request_error", "prompt is too long: 210463 tokens > 200000 maximum"),
      ContextLengthExceededError,
    ],
    [
      400,
      "BadRequestError",
      body("invalid_request_error", "max_tokens: must be greater than or equal to 1"),
      InvalidRequestError,
    ],
    [
      400,
      "BadRequestError",
      body("invalid_request_error", "Your credit balance is too low to access the Anthropic API."),
      QuotaExhaustedError,
    ],
    [401, "AuthenticationError", body("authentication_error", "invalid x-api-key"), AuthenticationError],
    [529, "InternalServerError", body("overloaded_error", "Overloaded"), OverloadedError],
    [
      400,
      "BadRequestError",
      body("invalid_request_error", "spend limit", { error_code: "enforced_spend_limit_reached" }),
      QuotaExhaustedError,
    ],
  ] as const)(
    "%d %s: the body's message, not raw JSON, and the class its error.type gives",
    (status, name, error, ErrorClass) => {
      const sdkError = new ApiError060(status, error, headers, name);
      expect(sdkError.message).toContain('{"type":"error"');
      const keel = toAnthropicKeelError(sdkError);
      expect(keel).toBeInstanceOf(ErrorClass);
      expect(keel.message).toBe(`Anthropic ${status} ${error.error.type}: ${error.error.message}`);
      expect(keel.message).not.toContain("{");
    },
  );
});
