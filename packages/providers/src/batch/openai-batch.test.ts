/**
 * End to end through the real `openai` SDK: files.create (multipart, purpose batch), batches.create,
 * batches.retrieve polls and files.content downloads against the test server's Batch API emulation.
 */
import {
  AbortedError,
  ContextLengthExceededError,
  InvalidRequestError,
  type KeelEvent,
  type ModelRequest,
  type ModelResponse,
  onEvent,
  RateLimitedError,
  TimeoutError,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openai } from "../openai/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";
import { type BatchProgress, openaiBatch } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

const settings = () => ({
  baseURL: server.openaiBaseURL,
  apiKey: "sk-test",
  headers: { connection: "close" },
});
const fast = { pollIntervalMs: 1, maxPollIntervalMs: 2 };
const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});

/** A response without the fields that differ between any two calls (when and under which id it ran). */
function comparable(response: ModelResponse | undefined) {
  const { timings: _t, requestId: _r, raw: _raw, ...rest } = response!;
  return rest;
}

describe("openaiBatch", () => {
  it("maps requests as openai() does, and each result exactly as a live generate answer, in input order", async () => {
    const requests = [
      { id: "greet", request: ask("hello", { temperature: 0.3, maxOutputTokens: 20 }) },
      {
        id: "tool",
        request: ask("weather?", {
          tools: [
            { name: "weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } },
          ],
        }),
      },
    ];
    const scripts = {
      greet: { text: "Hi there", usage: { input: 5, output: 2 } },
      tool: { text: "", toolCalls: [{ id: "call_1", name: "weather", arguments: { city: "Oslo" } }] },
    };
    server.batches.enqueue({ pollsBeforeEnd: 2, items: scripts });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch(requests, { metadata: { job: "nightly" } });
    expect(handle).toMatchObject({ provider: "openai", model: "gpt-4o-mini", ids: ["greet", "tool"] });
    expect(handle.batchId).toMatch(/^batch_/);
    // The handle is plain JSON: it survives a round trip through storage.
    const results = await batch.waitForBatch(JSON.parse(JSON.stringify(handle)), fast);

    const [upload, create] = server.requests;
    expect(upload!.path).toBe("/v1/files");
    expect(upload!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload!.body).toMatch(/name="purpose"\r\n\r\nbatch\r\n/);
    expect(create!.body).toEqual({
      input_file_id: expect.stringMatching(/^file-/),
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { job: "nightly" },
    });
    expect(server.batches.polls(handle.batchId)).toBe(3);

    // The same requests live: the bodies sent and the responses must match the batch's.
    server.reset();
    server.enqueue(scripts.greet, scripts.tool);
    const live = openai("gpt-4o-mini", settings());
    const liveResponses = [
      await live.generate(requests[0]!.request),
      await live.generate(requests[1]!.request),
    ];
    const jsonl = upload!.body as string;
    for (const [index, request] of server.requests.entries()) {
      expect(jsonl).toContain(
        JSON.stringify({
          custom_id: requests[index]!.id,
          method: "POST",
          url: "/v1/chat/completions",
          body: request.body,
        }),
      );
    }

    expect(results.map((r) => r.id)).toEqual(["greet", "tool"]);
    expect(results.every((r) => r.error === undefined)).toBe(true);
    expect(comparable(results[0]!.response)).toEqual(comparable(liveResponses[0]));
    expect(comparable(results[1]!.response)).toEqual(comparable(liveResponses[1]));
    expect(results[0]!.response).toMatchObject({
      text: "Hi there",
      provider: "openai",
      finishReason: "stop",
    });
    expect(results[1]!.response!.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "call_1",
        name: "weather",
        arguments: { city: "Oslo" },
        rawArguments: '{"city":"Oslo"}',
      },
    ]);
    expect(results[0]!.response!.requestId).toMatch(/^req_/);
  });

  it("surfaces every per-item error as a typed KeelError, never dropping one", async () => {
    server.batches.enqueue({
      items: {
        ok: { text: "fine" },
        bad: { error: { status: 400, message: "Invalid value for 'temperature'", code: "invalid_value" } },
        long: {
          error: {
            status: 400,
            message: "maximum context length is 8192 tokens",
            code: "context_length_exceeded",
          },
        },
        slow: {
          error: {
            status: 429,
            message: "Rate limit reached",
            type: "requests",
            code: "rate_limit_exceeded",
          },
        },
        late: { expired: true },
      },
    });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const ids = ["ok", "bad", "long", "slow", "late"];
    const handle = await batch.submitBatch(ids.map((id) => ({ id, request: ask(id) })));
    const results = await batch.waitForBatch(handle, fast);
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results[0]!.response!.text).toBe("fine");
    expect(results[1]!.error).toBeInstanceOf(InvalidRequestError);
    expect(results[1]!.error).toMatchObject({ status: 400, provider: "openai" });
    expect(results[2]!.error).toBeInstanceOf(ContextLengthExceededError);
    expect(results[3]!.error).toBeInstanceOf(RateLimitedError);
    expect(results[4]!.error).toBeInstanceOf(TimeoutError);
    expect(results[4]!.error!.message).toMatch(/"late" expired/);
    expect(results.slice(1).every((r) => r.response === undefined)).toBe(true);
  });

  it("an expired batch: finished items keep their answers, the rest expire", async () => {
    server.batches.enqueue({ outcome: "expired", items: { done: { text: "made it" } } });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch(["done", "a", "b"].map((id) => ({ id, request: ask(id) })));
    const results = await batch.waitForBatch(handle, fast);
    expect(results[0]!.response!.text).toBe("made it");
    expect(results[1]!.error).toBeInstanceOf(TimeoutError);
    expect(results[2]!.error).toBeInstanceOf(TimeoutError);
  });

  it("a cancelled batch: requests that never ran (no result line) are AbortedErrors", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 1, items: { first: { text: "ran" } } });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch(["first", "second"].map((id) => ({ id, request: ask(id) })));
    await batch.cancelBatch(handle);
    const results = await batch.waitForBatch(handle, fast);
    expect(results[0]!.response!.text).toBe("ran");
    expect(results[1]!.error).toBeInstanceOf(AbortedError);
    expect(results[1]!.error!.message).toMatch(/"second" did not run: batch .* was cancelled/);
  });

  it("a batch whose input failed validation throws one InvalidRequestError", async () => {
    server.batches.enqueue({ outcome: "failed" });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch([{ id: "x", request: ask("x") }]);
    const error = await batch.waitForBatch(handle, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/batch batch_\w+ failed: request "x": invalid_request/);
  });

  it("polls with backoff: the wait grows by the factor up to its cap, and each poll is reported", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 5 });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch([{ id: "a", request: ask("a") }]);
    const seen: BatchProgress[] = [];
    const events: KeelEvent[] = [];
    const off = onEvent((e) => {
      if (e.type === "batch.polled") events.push(e);
    });
    try {
      await batch.waitForBatch(handle, {
        pollIntervalMs: 1,
        backoffFactor: 2,
        maxPollIntervalMs: 5,
        onPoll: (p) => seen.push(p),
      });
    } finally {
      off();
    }
    expect(server.batches.polls(handle.batchId)).toBe(6);
    expect(seen.map((p) => p.nextPollMs)).toEqual([1, 2, 4, 5, 5, undefined]);
    expect(seen.map((p) => p.status)).toEqual([
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
      "completed",
    ]);
    expect(seen.at(-1)).toMatchObject({ poll: 6, counts: { done: 1, failed: 0, total: 1 } });
    expect(events).toHaveLength(6);
  });

  it("abort stops waiting at once, and no poll follows", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 1_000 });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch([{ id: "a", request: ask("a") }]);
    const controller = new AbortController();
    const error = await batch
      .waitForBatch(handle, {
        // Long enough that only the abort can end the wait after the second poll.
        pollIntervalMs: 1,
        backoffFactor: 60_000,
        maxPollIntervalMs: 60_000,
        signal: controller.signal,
        onPoll: (p) => {
          if (p.poll === 2) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toMatch(/the batch itself keeps running/);
    expect(server.batches.polls(handle.batchId)).toBe(2);
  });

  it("gives up after maxWaitMs with a TimeoutError that says the batch keeps running", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 1_000 });
    const batch = openaiBatch("gpt-4o-mini", settings());
    const handle = await batch.submitBatch([{ id: "a", request: ask("a") }]);
    const error = await batch
      .waitForBatch(handle, { pollIntervalMs: 50, maxWaitMs: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/keeps running: call waitForBatch with the same handle later/);
    expect(server.batches.polls(handle.batchId)).toBe(1);
  });

  it("a retryable failure of one poll is a missed poll; a non-retryable one ends the wait", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 2 }, { pollsBeforeEnd: 5 });
    let failNext: Response | undefined;
    // The real SDK through a fetch that answers one batch retrieve with an error of its own.
    const flaky: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (failNext && /\/batches\/[^/]+$/.test(url) && (init?.method ?? "GET") === "GET") {
        const response = failNext;
        failNext = undefined;
        return response;
      }
      return fetch(input, init);
    };
    const batch = openaiBatch("gpt-4o-mini", { ...settings(), fetch: flaky });
    const handle = await batch.submitBatch([{ id: "a", request: ask("a") }]);
    failNext = Response.json(
      { error: { message: "The server had an error", type: "server_error", param: null, code: null } },
      { status: 503, headers: { "retry-after-ms": "3" } },
    );
    const seen: BatchProgress[] = [];
    const results = await batch.waitForBatch(handle, { ...fast, onPoll: (p) => seen.push(p) });
    expect(results[0]!.response!.text).toBe("ok");
    expect(seen[0]!.status).toMatch(/^poll failed: openai 503/);
    expect(seen[0]!.nextPollMs).toBe(3);

    const second = await batch.submitBatch([{ id: "b", request: ask("b") }]);
    failNext = Response.json(
      {
        error: {
          message: "Incorrect API key",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
      { status: 401 },
    );
    await expect(batch.waitForBatch(second, fast)).rejects.toMatchObject({
      code: "authentication",
      status: 401,
    });
  });

  it("rejects bad batches before sending anything, naming the request", async () => {
    const batch = openaiBatch("gpt-4o-mini", settings());
    await expect(batch.submitBatch([])).rejects.toThrow(/give at least one request/);
    await expect(
      batch.submitBatch([
        { id: "a", request: ask("1") },
        { id: "a", request: ask("2") },
      ]),
    ).rejects.toThrow(/id "a" is used twice/);
    await expect(batch.submitBatch([{ id: "k", request: ask("x", { topK: 3 }) }])).rejects.toThrow(
      /batch request "k": OpenAI Chat Completions has no parameter for topK/,
    );
    await expect(
      batch.waitForBatch(
        { provider: "openai", batchId: "a", model: "m", ids: ["a"] },
        { backoffFactor: 0.5 },
      ),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });
});
