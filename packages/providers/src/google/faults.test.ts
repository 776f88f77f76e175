/**
 * Cancellation, deadlines and transport faults through the real SDK against the wire test server:
 * aborting really closes the connection, and every fault ends in a typed Keel error.
 */
import {
  AbortedError,
  type Model,
  NetworkError,
  OverloadedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ScriptedResponse as ServerResponse,
  startTestServer,
  type TestServer,
} from "../testing/index.js";
import { google } from "./model.js";

let server: TestServer;
const ask = { messages: [{ role: "user" as const, content: "hi" }] };
const model = () => google("gemini-2.5-flash", { apiKey: "test-key", baseUrl: server.geminiBaseURL });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/**
 * The server saw the client drop the connection. The stalled or delayed response would hold it
 * for a minute otherwise, so "nothing in flight" means the socket carrying it was closed; then
 * `waitForIdle` closes the idle keep-alive socket undici opens afresh after an abort, and fails if
 * any socket still carries a request.
 */
async function connectionClosedByClient(own: TestServer): Promise<void> {
  await vi.waitFor(() => expect(own.inFlight()).toBe(0));
  await own.waitForIdle();
  expect(own.openConnections()).toBe(0);
}

/** A server of its own, so closing idle sockets cannot race the next test's requests. */
async function withOwnServer(test: (own: TestServer, model: Model) => Promise<void>): Promise<void> {
  const own = await startTestServer();
  try {
    await test(own, google("gemini-2.5-flash", { apiKey: "test-key", baseUrl: own.geminiBaseURL }));
  } finally {
    await own.close();
  }
}

describe("cancellation", () => {
  it("breaking out of a stream closes the connection on the server side", () =>
    withOwnServer(async (own, model) => {
      own.enqueue({ fault: "stall", afterChunks: 2, stallMs: 60_000, text: "one two three four" });
      const stream = model.stream(ask);
      for await (const event of stream) if (event.type === "text-delta") break;
      await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
      await connectionClosedByClient(own);
    }));

  it("aborting the signal mid-stream ends the stream with AbortedError and closes the connection", () =>
    withOwnServer(async (own, model) => {
      own.enqueue({ fault: "stall", afterChunks: 2, stallMs: 60_000, text: "one two three four" });
      const controller = new AbortController();
      const seen: string[] = [];
      const error = await (async () => {
        for await (const event of model.stream(ask, { signal: controller.signal })) {
          seen.push(event.type);
          if (event.type === "text-delta") controller.abort();
        }
      })().catch((e) => e);
      expect(error).toBeInstanceOf(AbortedError);
      expect(seen.at(-1)).toBe("error");
      await connectionClosedByClient(own);
    }));

  it("a deadline that passes mid-stream is a TimeoutError and cancels the request", () =>
    withOwnServer(async (own, model) => {
      own.enqueue({ fault: "stall", afterChunks: 1, stallMs: 60_000 });
      const error = await model.stream(ask, { deadline: Date.now() + 300 }).response.catch((e) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      await connectionClosedByClient(own);
    }));

  it("aborting generate while waiting for the first byte cancels the request", () =>
    withOwnServer(async (own, model) => {
      own.enqueue({ fault: "slow-first-byte", delayMs: 60_000 });
      const controller = new AbortController();
      const pending = model.generate(ask, { signal: controller.signal });
      await vi.waitFor(() => expect(own.requests).toHaveLength(1));
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(AbortedError);
      await connectionClosedByClient(own);
    }));

  it("an already-aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(model().generate(ask, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    await expect(model().stream(ask, { signal: controller.signal }).response).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe("faults map to typed errors", () => {
  const cases: Array<[string, ServerResponse, new (...args: never[]) => unknown]> = [
    ["reset-before-first-byte", { fault: "reset-before-first-byte" }, NetworkError],
    ["server-error (500 INTERNAL)", { fault: "server-error" }, ProviderUnavailableError],
    ["unavailable (503 'model is overloaded')", { fault: "unavailable" }, OverloadedError],
    ["quota-exhausted (429, per-day quota)", { fault: "quota-exhausted" }, QuotaExhaustedError],
    ["wrong-content-type (200 text/html)", { fault: "wrong-content-type" }, ProviderUnavailableError],
    ["truncated-json", { fault: "truncated-json" }, ProviderUnavailableError],
  ];

  it.each(cases)("generate: %s", async (_, response, errorClass) => {
    server.enqueue(response);
    await expect(model().generate(ask)).rejects.toBeInstanceOf(errorClass);
  });

  it("generate: rate-limit with a RetryInfo body carries the delay", async () => {
    server.enqueue({ fault: "rate-limit", retryAfterMs: 1500 });
    const error = await model()
      .generate(ask)
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(1500);
  });

  const streamCases: Array<[string, ServerResponse, new (...args: never[]) => unknown, string]> = [
    [
      "reset-mid-stream",
      { fault: "reset-mid-stream", afterChunks: 2, text: "alpha beta gamma" },
      NetworkError,
      "alpha beta",
    ],
    [
      "malformed-sse",
      { fault: "malformed-sse", afterChunks: 2, text: "alpha beta gamma" },
      ProviderUnavailableError,
      "alpha beta",
    ],
    [
      "stream-error-event",
      { fault: "stream-error-event", afterChunks: 2, text: "alpha beta gamma" },
      ProviderUnavailableError,
      "alpha beta",
    ],
    ["503 before the stream", { fault: "overloaded" }, OverloadedError, ""],
  ];

  it.each(streamCases)(
    "stream: %s ends in a typed error after the text it delivered",
    async (_, response, errorClass, sent) => {
      server.enqueue(response);
      const stream = model().stream(ask);
      let delivered = "";
      const error = await (async () => {
        for await (const event of stream) if (event.type === "text-delta") delivered += event.text;
      })().catch((e) => e);
      expect(error).toBeInstanceOf(errorClass);
      // The SDK errors its ReadableStream on a bad read, which drops chunks parsed in that same read
      // but not yet consumed; what was delivered is always a prefix of what was sent, never more.
      expect(sent.startsWith(delivered)).toBe(true);
      await expect(stream.response).rejects.toBe(error);
    },
  );

  it("a stream that closes cleanly before any finishReason is a NetworkError, not a short answer", async () => {
    const body = 'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"cut"}]}}]}\r\n\r\n';
    server.enqueue({ status: 200, headers: { "content-type": "text/event-stream" }, body });
    await expect(model().stream(ask).response).rejects.toBeInstanceOf(NetworkError);
  });

  it("leaves no socket open after all of the above", async () => {
    await server.waitForIdle();
    expect(server.openConnections()).toBe(0);
  });
});
