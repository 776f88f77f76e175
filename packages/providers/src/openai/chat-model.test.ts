/**
 * End-to-end: openai() on the real `openai` SDK against the local wire test server, replaying
 * every recorded Chat Completions fixture in shared/fixtures/wire/openai and asserting the
 * normalized result field by field. Each test names the fixture it replays and what it proves.
 */
import {
  InvalidRequestError,
  type ModelRequest,
  type ModelStream,
  OutputParseError,
  QuotaExhaustedError,
  type StreamEvent,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { openai } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
// Every test must leave no socket behind.
afterEach(() => server.waitForIdle());

// `connection: close`: waitForIdle closes kept-alive sockets, and a pooled socket closed under the
// client between tests would fail the next request; a fresh socket per request avoids that race.
const model = (id = "gpt-4o") =>
  openai(id, { baseURL: server.openaiBaseURL, apiKey: "test", headers: { connection: "close" } });
const hi: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

async function drain(stream: ModelStream): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Event types in order, consecutive repeats collapsed ("text-delta×3"). */
function shape(events: StreamEvent[]): string[] {
  const out: Array<[string, number]> = [];
  for (const e of events) {
    const last = out.at(-1);
    if (last?.[0] === e.type) last[1]++;
    else out.push([e.type, 1]);
  }
  return out.map(([type, n]) => (n > 1 ? `${type}×${n}` : type));
}

describe("openai() streams recorded Chat Completions traffic", () => {
  it("chat-stream-text-usage.sse: text deltas, finish stop, usage from the include_usage chunk, served model, request id", async () => {
    server.enqueue({ fixture: "openai/chat-stream-text-usage.sse" });
    const stream = model().stream(hi);
    const events = await drain(stream);
    expect(shape(events)).toEqual(["response-metadata", "text-delta×30", "usage", "finish"]);
    const response = await stream.response;
    expect(response.text).toBe(
      "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    );
    expect(response.content).toEqual([{ type: "text", text: response.text }]);
    expect(response.toolCalls).toEqual([]);
    expect(response.usage).toEqual({
      inputTokens: 14,
      outputTokens: 30,
      totalTokens: 44,
      reasoningTokens: 0,
    });
    expect(response.finishReason).toBe("stop");
    expect(response.rawFinishReason).toBe("stop");
    expect(response.model).toEqual({ requested: "gpt-4o", served: "gpt-4o-2024-08-06" });
    // Fixtures carry no x-request-id header, so the completion id stands in.
    expect(response.requestId).toBe("chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL");
    expect(response.refusal).toBeUndefined();
    expect((response.raw as { choices: unknown[] }).choices).toEqual([]);
    expect(response.timings.timeToFirstTokenMs).toBeTypeOf("number");
  });

  it("chat-stream-length.sse: finish_reason length maps to length, with its usage", async () => {
    server.enqueue({ fixture: "openai/chat-stream-length.sse" });
    const response = await model().stream(hi).response;
    expect(response.text).toBe('{"');
    expect(response.finishReason).toBe("length");
    expect(response.rawFinishReason).toBe("length");
    expect(response.usage).toEqual({ inputTokens: 79, outputTokens: 1, totalTokens: 80, reasoningTokens: 0 });
  });

  it("chat-stream-logprobs.sse: chunks carrying logprobs still map text and usage", async () => {
    server.enqueue({ fixture: "openai/chat-stream-logprobs.sse" });
    const response = await model().stream({ ...hi, providerOptions: { openai: { logprobs: true } } })
      .response;
    expect(response.text).toBe("Foo!");
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 2, totalTokens: 11, reasoningTokens: 0 });
    expect(server.requests[0]!.body.logprobs).toBe(true);
  });

  it("chat-stream-n3-choices.sse: with n=3 only choice 0 is mapped; usage covers all choices", async () => {
    server.enqueue({ fixture: "openai/chat-stream-n3-choices.sse" });
    const response = await model().stream({ ...hi, providerOptions: { openai: { n: 3 } } }).response;
    expect(response.text).toBe('{"city":"San Francisco","temperature":65,"units":"f"}');
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 79,
      outputTokens: 42,
      totalTokens: 121,
      reasoningTokens: 0,
    });
  });

  it("chat-stream-parallel-tool-calls.sse: two calls assembled by index and id, parsed arguments, finish tool-calls", async () => {
    server.enqueue({ fixture: "openai/chat-stream-parallel-tool-calls.sse" });
    const stream = model().stream(hi);
    const events = await drain(stream);
    expect(shape(events)).toEqual([
      "response-metadata",
      "tool-call-delta×22",
      "tool-call×2",
      "usage",
      "finish",
    ]);
    const starts = events.filter((e) => e.type === "tool-call-delta" && e.id !== undefined);
    expect(starts).toEqual([
      {
        type: "tool-call-delta",
        index: 0,
        id: "call_JMW1whyEaYG438VE1OIflxA2",
        name: "GetWeatherArgs",
        argumentsDelta: "",
      },
      {
        type: "tool-call-delta",
        index: 1,
        id: "call_DNYTawLBoN8fj3KN6qU9N1Ou",
        name: "get_stock_price",
        argumentsDelta: "",
      },
    ]);
    const response = await stream.response;
    expect(response.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "call_JMW1whyEaYG438VE1OIflxA2",
        name: "GetWeatherArgs",
        arguments: { city: "Edinburgh", country: "GB", units: "c" },
        rawArguments: '{"city": "Edinburgh", "country": "GB", "units": "c"}',
      },
      {
        type: "tool-call",
        id: "call_DNYTawLBoN8fj3KN6qU9N1Ou",
        name: "get_stock_price",
        arguments: { ticker: "AAPL", exchange: "NASDAQ" },
        rawArguments: '{"ticker": "AAPL", "exchange": "NASDAQ"}',
      },
    ]);
    expect(response.text).toBe("");
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("tool_calls");
    expect(response.usage).toEqual({
      inputTokens: 149,
      outputTokens: 60,
      totalTokens: 209,
      reasoningTokens: 0,
    });
  });

  it("chat-stream-tool-call.sse: one call, fragments joined then parsed", async () => {
    server.enqueue({ fixture: "openai/chat-stream-tool-call.sse" });
    const response = await model().stream(hi).response;
    expect(response.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "call_c91SqDXlYFuETYv8mUHzz6pp",
        name: "GetWeatherArgs",
        arguments: { city: "Edinburgh", country: "UK", units: "c" },
        rawArguments: '{"city":"Edinburgh","country":"UK","units":"c"}',
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual({
      inputTokens: 76,
      outputTokens: 24,
      totalTokens: 100,
      reasoningTokens: 0,
    });
  });

  it("chat-stream-refusal.sse: delta.refusal becomes response.refusal and finish content-filter, not text", async () => {
    server.enqueue({ fixture: "openai/chat-stream-refusal.sse" });
    const stream = model().stream(hi);
    const events = await drain(stream);
    expect(events.some((e) => e.type === "text-delta")).toBe(false);
    const response = await stream.response;
    expect(response.refusal).toBe("I'm sorry, I can't assist with that request.");
    expect(response.text).toBe("");
    expect(response.finishReason).toBe("content-filter");
    expect(response.rawFinishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 79,
      outputTokens: 11,
      totalTokens: 90,
      reasoningTokens: 0,
    });
  });

  it("chat-stream-text-obfuscation.chunks.jsonl: 2026 chunks (obfuscation, usage:null on every chunk) and cached/reasoning token details", async () => {
    server.enqueue({ fixture: "openai/chat-stream-text-obfuscation.chunks.jsonl" });
    const response = await model("gpt-4.1-nano").stream(hi).response;
    expect(response.text.startsWith("**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually")).toBe(
      true,
    );
    expect(response.text.endsWith("shared human experiences and mutual respect.")).toBe(true);
    expect(response.text).toHaveLength(1724);
    expect(response.usage).toEqual({
      inputTokens: 16,
      outputTokens: 300,
      totalTokens: 316,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(response.model).toEqual({ requested: "gpt-4.1-nano", served: "gpt-4.1-nano-2025-04-14" });
    expect(response.finishReason).toBe("stop");
  });

  it("completions-stream.chunks.jsonl: legacy text_completion chunks sent to a chat request are a clear parse error", async () => {
    server.enqueue({ fixture: "openai/completions-stream.chunks.jsonl" });
    const error = await model()
      .stream(hi)
      .response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as Error).message).toMatch(/legacy text_completion/);
  });
});

describe("openai() generate replays recorded chat.completion bodies", () => {
  it("chat-completion-text.json: text, usage with cached and reasoning details, served model, completion raw", async () => {
    server.enqueue({ fixture: "openai/chat-completion-text.json" });
    const response = await model("gpt-4.1-nano").generate(hi);
    expect(response.text.startsWith("**Holiday Name:** Galaxy Day  \n\n**Date:** October 31st")).toBe(true);
    expect(response.text.endsWith("inspiring individuals to look up and dream beyond our world.")).toBe(true);
    expect(response.usage).toEqual({
      inputTokens: 16,
      outputTokens: 363,
      totalTokens: 379,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(response.finishReason).toBe("stop");
    expect(response.model).toEqual({ requested: "gpt-4.1-nano", served: "gpt-4.1-nano-2025-04-14" });
    expect(response.requestId).toBe("chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU");
    expect((response.raw as { id: string }).id).toBe("chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU");
    expect(response.refusal).toBeUndefined();
  });

  it("chat-completion-parallel-tool-calls.json: two tool calls with parsed arguments, finish tool-calls", async () => {
    server.enqueue({ fixture: "openai/chat-completion-parallel-tool-calls.json" });
    const response = await model().generate(hi);
    expect(response.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, args }))).toEqual([
      {
        id: "call_fdNz3vOBKYgOIpMdWotB9MjY",
        name: "GetWeatherArgs",
        args: { city: "Edinburgh", country: "GB", units: "c" },
      },
      {
        id: "call_h1DWI1POMJLb0KwIyQHWXD4p",
        name: "get_stock_price",
        args: { ticker: "AAPL", exchange: "NASDAQ" },
      },
    ]);
    expect(response.text).toBe("");
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual({
      inputTokens: 149,
      outputTokens: 60,
      totalTokens: 209,
      reasoningTokens: 0,
    });
    expect(response.model.served).toBe("gpt-4o-2024-08-06");
  });

  it("chat-completion-refusal.json: message.refusal becomes response.refusal and finish content-filter", async () => {
    server.enqueue({ fixture: "openai/chat-completion-refusal.json" });
    const response = await model().generate(hi);
    expect(response.refusal).toBe("I'm very sorry, but I can't assist with that.");
    expect(response.text).toBe("");
    expect(response.content).toEqual([]);
    expect(response.finishReason).toBe("content-filter");
    expect(response.rawFinishReason).toBe("stop");
    expect(response.usage).toEqual({
      inputTokens: 79,
      outputTokens: 12,
      totalTokens: 91,
      reasoningTokens: 0,
    });
  });

  it("error-400-unsupported-parameter.json: 400 invalid_request_error is InvalidRequestError with the body kept", async () => {
    server.enqueue({ fixture: "openai/error-400-unsupported-parameter.json" });
    const error = await model()
      .generate(hi)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      status: 400,
      provider: "openai",
      retryable: false,
      code: "invalid-request",
    });
    expect((error as Error).message).toBe(
      "openai 400 (invalid_request_error/unsupported_parameter): Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
    expect((error as InvalidRequestError).body).toMatchObject({
      param: "max_tokens",
      code: "unsupported_parameter",
    });
  });

  it("error-429-insufficient-quota.json: 429 insufficient_quota is QuotaExhaustedError (not rate-limited, not retryable)", async () => {
    server.enqueue({ fixture: "openai/error-429-insufficient-quota.json" });
    const error = await model()
      .generate(hi)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error).toMatchObject({ status: 429, retryable: false, code: "quota-exhausted" });
    server.enqueue({ fixture: "openai/error-429-insufficient-quota.json" });
    await expect(model().stream(hi).response).rejects.toBeInstanceOf(QuotaExhaustedError);
  });
});
