/**
 * Every recorded Gemini fixture in shared/fixtures/wire/gemini, replayed through the real
 * `@google/generative-ai` SDK by the wire test server, with the normalized result checked field
 * by field. Each test names the fixture and what it proves.
 */
import { readFileSync } from "node:fs";
import {
  AuthenticationError,
  ContentFilteredError,
  type Model,
  type ModelResponse,
  type ModelStream,
  ProviderUnavailableError,
  RateLimitedError,
  type StreamEvent,
} from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { google } from "./model.js";

let server: TestServer;
let model: Model;
const ask = { messages: [{ role: "user" as const, content: "hi" }] };

beforeAll(async () => {
  server = await startTestServer();
  model = google("gemini-2.5-flash", { apiKey: "test-key", baseUrl: server.geminiBaseURL });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function drain(stream: ModelStream): Promise<{ events: StreamEvent[]; response: ModelResponse }> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, response: await stream.response };
}

async function streamFailure(fixture: string): Promise<{ events: StreamEvent[]; error: unknown }> {
  // Spaced events: the SDK drops chunks parsed in the same read as a failure but not yet consumed.
  server.enqueue({ fixture, chunkDelayMs: 50 });
  const events: StreamEvent[] = [];
  try {
    for await (const event of model.stream(ask)) events.push(event);
  } catch (error) {
    return { events, error };
  }
  throw new Error(`${fixture} did not fail`);
}

const deltas = (events: StreamEvent[], type: "text-delta" | "reasoning-delta") =>
  events.flatMap((e) => (e.type === type ? [e.text] : []));

describe("non-streamed generateContent fixtures", () => {
  it("generate-text.json: text, thought signature on the text part, usage incl. thoughts, served model, request id", async () => {
    server.enqueue({ fixture: "gemini/generate-text.json" });
    const r = await model.generate(ask);
    const text = "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.";
    expect(r.text).toBe(text);
    expect(r.content).toEqual([
      {
        type: "text",
        text,
        providerMetadata: {
          google: {
            thoughtSignature:
              "EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg",
          },
        },
      },
    ]);
    expect(r.toolCalls).toEqual([]);
    // 9 prompt + 28 candidates + 244 thoughts = totalTokenCount 281.
    expect(r.usage).toEqual({ inputTokens: 9, outputTokens: 272, totalTokens: 281, reasoningTokens: 244 });
    expect(r.finishReason).toBe("stop");
    expect(r.rawFinishReason).toBe("STOP");
    expect(r.model).toEqual({ requested: "gemini-2.5-flash", served: "gemini-3-pro-preview" });
    expect(r.requestId).toBe("Un6LacrVMcjUxs0PmJfWoQc");
    expect(r.provider).toBe("google");
    expect(r.timings.timeToFirstTokenMs).toBeUndefined();
    expect(r.raw).toEqual(
      JSON.parse(readFileSync(`${server.fixturesDir}/gemini/generate-text.json`, "utf8")),
    );
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1beta/models/gemini-2.5-flash:generateContent",
      protocol: "gemini",
      stream: false,
    });
    expect(server.requests[0]!.headers["x-goog-api-key"]).toBe("test-key");
  });

  it("generate-parallel-function-calls.json: three functionCall parts become three tool calls with parsed args and distinct ids", async () => {
    server.enqueue({ fixture: "gemini/generate-parallel-function-calls.json" });
    const r = await model.generate(ask);
    expect(r.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
      { name: "sum", args: { y: 1, x: 2 } },
      { name: "sum", args: { y: 3, x: 4 } },
      { name: "sum", args: { y: 5, x: 6 } },
    ]);
    // No responseId in this recording, so ids share a random prefix and differ by position.
    const ids = r.toolCalls.map((c) => c.id);
    expect(ids).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^gemini-[0-9a-f]{8}-${i}$`))));
    expect(new Set(ids.map((id) => id.slice(0, -2))).size).toBe(1);
    expect(r.content).toEqual(r.toolCalls);
    expect(r.text).toBe("");
    expect(r.finishReason).toBe("tool-calls");
    expect(r.rawFinishReason).toBe("STOP");
    // The recording has no usageMetadata, modelVersion or responseId.
    expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(r.model).toEqual({ requested: "gemini-2.5-flash" });
    expect(r.requestId).toBeUndefined();
  });

  it("generate-finish-reason-safety.json: a SAFETY stop is content-filter with a refusal, text kept, usage mapped", async () => {
    server.enqueue({ fixture: "gemini/generate-finish-reason-safety.json" });
    const r = await model.generate(ask);
    expect(r.text).toBe("Safety error incoming in 5, 4, 3, 2...");
    expect(r.finishReason).toBe("content-filter");
    expect(r.rawFinishReason).toBe("SAFETY");
    expect(r.refusal).toBe("Gemini stopped the answer (SAFETY)");
    expect(r.usage).toEqual({ inputTokens: 7, outputTokens: 20, totalTokens: 27 });
    expect(r.model.served).toBe("gemini-2.0-flash");
  });
});

describe("error fixtures", () => {
  it("error-400-api-key-invalid.json: 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID is an AuthenticationError", async () => {
    server.enqueue({ fixture: "gemini/error-400-api-key-invalid.json" });
    const error = await model.generate(ask).catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      status: 400,
      provider: "google",
      retryable: false,
      message: "Gemini 400: API key not valid. Please pass a valid API key.",
    });
    expect(error.body.details[0]).toMatchObject({ reason: "API_KEY_INVALID" });
  });

  it("error-429-retry-info.json: RetryInfo.retryDelay 34.4s becomes retryAfterMs 34400, for generate and stream", async () => {
    server.enqueue({ fixture: "gemini/error-429-retry-info.json" });
    const error = await model.generate(ask).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 34400,
      retryable: true,
      message: "Gemini 429: You exceeded your current quota, please check your plan.",
    });
    const streamed = await streamFailure("gemini/error-429-retry-info.json");
    expect(streamed.error).toBeInstanceOf(RateLimitedError);
    expect((streamed.error as RateLimitedError).retryAfterMs).toBe(34400);
    expect(streamed.events).toEqual([{ type: "error", error: streamed.error }]);
  });

  it("error-429-quota-exceeded.json: per-minute RATE_LIMIT_EXCEEDED without RetryInfo is rate limited with no retry hint", async () => {
    server.enqueue({ fixture: "gemini/error-429-quota-exceeded.json" });
    const error = await model.generate(ask).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toMatch(
      /^Gemini 429: Quota exceeded for quota metric 'Generate Content API requests per minute'/,
    );
  });
});

describe("streamed fixtures", () => {
  it("stream-text.sse: CRLF-framed text chunks, cumulative usage (last wins), STOP, served model", async () => {
    server.enqueue({ fixture: "gemini/stream-text.sse" });
    const { events, response: r } = await drain(model.stream(ask));
    expect(deltas(events, "text-delta")).toEqual(["The", " capital of Wyoming", " is **Cheyenne**.\n"]);
    expect(events.filter((e) => e.type === "usage")).toEqual([
      { type: "usage", usage: { inputTokens: 7, outputTokens: 10, totalTokens: 17 } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "stop", rawFinishReason: "STOP" });
    expect(r.text).toBe("The capital of Wyoming is **Cheyenne**.\n");
    expect(r.content).toEqual([{ type: "text", text: r.text }]);
    expect(r.model.served).toBe("gemini-2.0-flash");
    expect(r.requestId).toBeUndefined();
    expect(r.timings.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]).toMatchObject({
      path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
      query: { alt: "sse" },
      stream: true,
    });
  });

  it("stream-text-thought-signature.chunks.jsonl: the signature on the final empty text part lands on the text part", async () => {
    server.enqueue({ fixture: "gemini/stream-text-thought-signature.chunks.jsonl" });
    const { events, response: r } = await drain(model.stream(ask));
    expect(deltas(events, "text-delta")).toEqual([
      "There are **3**",
      ' "r"s in strawberry.\n\nst**r**awbe**rr**y',
      "",
    ]);
    expect(r.content).toHaveLength(1);
    expect(r.content[0]).toMatchObject({
      type: "text",
      text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
      providerMetadata: {
        google: { thoughtSignature: expect.stringMatching(/^EqsFCqgFAb4\+9vvtAF5n87lB4/) },
      },
    });
    expect(r.usage).toEqual({ inputTokens: 9, outputTokens: 208, totalTokens: 217, reasoningTokens: 185 });
    expect(r.finishReason).toBe("stop");
    expect(r.model.served).toBe("gemini-3-pro-preview");
    expect(r.requestId).toBe("bH6LaZW8Fp_3nsEPqtaSwQ4");
  });

  it("stream-function-call.chunks.jsonl: a whole functionCall with its signature, the trailing empty text dropped", async () => {
    server.enqueue({ fixture: "gemini/stream-function-call.chunks.jsonl" });
    const { events, response: r } = await drain(model.stream(ask));
    expect(events.filter((e) => e.type === "text-delta")).toEqual([]);
    expect(r.content).toEqual([
      {
        type: "tool-call",
        id: "gemini-b36LacjwM668nsEP2tbsgQQ-0",
        name: "weather",
        arguments: { location: "San Francisco" },
        providerMetadata: { google: { thoughtSignature: expect.stringMatching(/^EqUCCqICAb4\+9vsh8Pd5/) } },
      },
    ]);
    expect(r.finishReason).toBe("tool-calls");
    expect(r.usage).toEqual({ inputTokens: 29, outputTokens: 60, totalTokens: 89, reasoningTokens: 45 });
    expect(r.model.served).toBe("gemini-3-pro-preview");
    expect(r.requestId).toBe("b36LacjwM668nsEP2tbsgQQ");
  });

  it("stream-thinking-function-call.sse: thought:true parts stream as reasoning, then a signed call with empty args", async () => {
    server.enqueue({ fixture: "gemini/stream-thinking-function-call.sse" });
    const { events, response: r } = await drain(model.stream(ask));
    const thoughts = deltas(events, "reasoning-delta");
    expect(thoughts).toHaveLength(2);
    expect(thoughts[0]).toMatch(/^\*\*Calculating the Days\*\*/);
    expect(thoughts[1]).toMatch(/^\*\*Determining the Approach\*\*/);
    expect(r.content).toEqual([
      { type: "reasoning", text: thoughts.join("") },
      {
        type: "tool-call",
        id: "gemini-48SHaPHpHKbG-8YPtZCawAk-0",
        name: "now",
        arguments: {},
        providerMetadata: { google: { thoughtSignature: expect.stringMatching(/^CiIBVKhc7vB\+vaaq6rA/) } },
      },
    ]);
    expect(r.text).toBe("");
    expect(r.usage).toEqual({ inputTokens: 38, outputTokens: 174, totalTokens: 212, reasoningTokens: 168 });
    expect(r.finishReason).toBe("tool-calls");
    expect(r.model.served).toBe("gemini-2.5-flash");
    expect(r.requestId).toBe("48SHaPHpHKbG-8YPtZCawAk");
  });

  it("stream-function-call-args.chunks.jsonl: the SDK passes partialArgs through, and they assemble into two calls", async () => {
    server.enqueue({ fixture: "gemini/stream-function-call-args.chunks.jsonl" });
    const { events, response: r } = await drain(model.stream(ask));
    expect(
      events.filter((e) => e.type === "tool-call-delta").map((e) => e.type === "tool-call-delta" && e.index),
    ).toEqual([0, 1]);
    expect(r.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, args }))).toEqual([
      { id: "gemini-dqHOab6xGLzWodAPkPuViA4-0", name: "getWeather", args: { location: "Boston" } },
      { id: "gemini-dqHOab6xGLzWodAPkPuViA4-1", name: "getWeather", args: { location: "San Francisco" } },
    ]);
    expect(r.toolCalls[0]!.providerMetadata?.google?.thoughtSignature).toMatch(/^CiMBjz1rX25K/);
    expect(r.toolCalls[1]!.providerMetadata).toBeUndefined();
    // Early Vertex chunks carry usageMetadata with only trafficType; the final one has the counts.
    expect(r.usage).toEqual({ inputTokens: 26, outputTokens: 155, totalTokens: 181, reasoningTokens: 132 });
    expect(r.finishReason).toBe("tool-calls");
    expect(r.model.served).toBe("gemini-3.1-pro-preview");
  });

  it("stream-error-mid-stream.sse: text already streamed is delivered, then the trailing 499 error object ends the stream with a typed error", async () => {
    const { events, error } = await streamFailure("gemini/stream-error-mid-stream.sse");
    expect(deltas(events, "text-delta")).toEqual(["First ", "Second "]);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryable).toBe(true);
    // The SDK drops the trailing object's text, so the 499 status cannot be recovered; the message says so.
    expect((error as ProviderUnavailableError).message).toMatch(/not an SSE event/);
    expect(events.at(-1)).toEqual({ type: "error", error });
  });

  it("stream-prompt-blocked.sse: promptFeedback.blockReason with no candidates is a ContentFilteredError", async () => {
    // The recording stops after one CRLF; the test server completes the event's blank line, as
    // Gemini sends it (the SDK only parses complete events).
    const { events, error } = await streamFailure("gemini/stream-prompt-blocked.sse");
    expect(error).toBeInstanceOf(ContentFilteredError);
    expect((error as ContentFilteredError).message).toBe("Gemini blocked the prompt (SAFETY)");
    expect((error as ContentFilteredError).body).toMatchObject({ blockReason: "SAFETY" });
    expect(events).toEqual([{ type: "error", error }]);

    // The same payload answered by generateContent.
    const recorded = readFileSync(`${server.fixturesDir}/gemini/stream-prompt-blocked.sse`, "utf8");
    server.enqueue({ status: 200, json: JSON.parse(recorded.slice("data: ".length)) });
    await expect(model.generate(ask)).rejects.toBeInstanceOf(ContentFilteredError);
  });
});
