// Every recorded Anthropic fixture in shared/fixtures/wire/anthropic, replayed by the wire test
// server through the real @anthropic-ai/sdk and the Keel adapter; each test says what its file proves.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Model,
  type ModelResponse,
  type ModelStream,
  OverloadedError,
  type StreamEvent,
} from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { anthropic } from "./index.js";

let server: TestServer;
let model: Model;

beforeAll(async () => {
  server = await startTestServer();
  model = anthropic("claude-sonnet-4-6", { baseURL: server.anthropicBaseURL, apiKey: "test" });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ask = { messages: [{ role: "user" as const, content: "hi" }] };

async function drain(stream: ModelStream): Promise<{ events: StreamEvent[]; response: ModelResponse }> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, response: await stream.response };
}

const ofType = <T extends StreamEvent["type"]>(events: StreamEvent[], type: T) =>
  events.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);

describe("non-streamed fixtures (generate)", () => {
  it("messages-text.json: text, end_turn, usage with cache fields, served model, request id", async () => {
    server.enqueue({ fixture: "anthropic/messages-text.json" });
    const r = await model.generate(ask);
    const text =
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?";
    expect(r.content).toEqual([{ type: "text", text }]);
    expect(r.text).toBe(text);
    expect(r.toolCalls).toEqual([]);
    expect(r.usage).toStrictEqual({
      inputTokens: 12,
      outputTokens: 29,
      totalTokens: 41,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(r.finishReason).toBe("stop");
    expect(r.rawFinishReason).toBe("end_turn");
    expect(r.model).toEqual({ requested: "claude-sonnet-4-6", served: "claude-sonnet-4-5-20250929" });
    expect(r.provider).toBe("anthropic");
    // A fixture reply carries no request-id header, so the message id stands in.
    expect(r.requestId).toBe("msg_01VdEjxAP5ahtHKrrRdNBteQ");
    expect((r.raw as { id: string }).id).toBe("msg_01VdEjxAP5ahtHKrrRdNBteQ");
  });

  it("messages-tool-use.json: text then a tool_use with empty input {}, stop_reason tool_use", async () => {
    server.enqueue({ fixture: "anthropic/messages-tool-use.json" });
    const r = await model.generate(ask);
    expect(r.text).toMatch(/^<thinking>\nThe updateIssueList tool was provided/);
    expect(r.text).toMatch(/Okay, I will update the current issue list:$/);
    expect(r.toolCalls).toEqual([
      { type: "tool-call", id: "toolu_01LRmxn9vGM1d2DZSDBowdZ1", name: "updateIssueList", arguments: {} },
    ]);
    expect(r.content.map((p) => p.type)).toEqual(["text", "tool-call"]);
    expect(r.finishReason).toBe("tool-calls");
    expect(r.rawFinishReason).toBe("tool_use");
    expect(r.usage).toMatchObject({
      inputTokens: 602,
      outputTokens: 93,
      totalTokens: 695,
      cachedInputTokens: 0,
    });
    expect(r.model.served).toBe("claude-3-opus-20240229");
  });
});

describe("streamed fixtures", () => {
  it("messages-stream-text.chunks.jsonl: text deltas in order, ping ignored, one usage from start + delta", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-text.chunks.jsonl" });
    const { events, response } = await drain(model.stream(ask));
    expect(ofType(events, "text-delta").map((e) => e.text)).toEqual([
      "Hello",
      "! I",
      "'m doing well, thank you for asking",
      ". How are you doing today?",
      " Is",
      " there anything I can help you with?",
    ]);
    expect(ofType(events, "usage")).toEqual([
      {
        type: "usage",
        usage: {
          inputTokens: 12,
          outputTokens: 30,
          totalTokens: 42,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
        },
      },
    ]);
    expect(ofType(events, "response-metadata")).toEqual([
      {
        type: "response-metadata",
        requestId: "msg_01QC4g3HwBThD4BaNtBckFDJ",
        servedModel: "claude-sonnet-4-5-20250929",
      },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "end_turn",
    });
    expect(response.text).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(response.model.served).toBe("claude-sonnet-4-5-20250929");
    expect(response.finishReason).toBe("stop");
  });

  it("messages-stream-thinking.chunks.jsonl: thinking deltas (empty one skipped), signature kept verbatim, then text", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-thinking.chunks.jsonl" });
    const { events, response } = await drain(model.stream(ask));
    const signature =
      "EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB";
    const reasoning = ofType(events, "reasoning-delta");
    expect(reasoning.map((e) => e.text)).toEqual([
      "The previous",
      " result",
      " was",
      " 925.",
      " Now",
      " I need to divide that",
      " by 5.\n\n925",
      " ÷ 5 ",
      "= 185",
      "",
    ]);
    expect(reasoning.at(-1)).toEqual({ type: "reasoning-delta", text: "", signature });
    expect(response.content).toEqual([
      {
        type: "reasoning",
        text: "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
        signature,
      },
      { type: "text", text: "925 ÷ 5 = 185" },
    ]);
    expect(response.text).toBe("925 ÷ 5 = 185");
    expect(response.usage).toMatchObject({ inputTokens: 69, outputTokens: 53, totalTokens: 122 });
    expect(response.finishReason).toBe("stop");
  });

  it("messages-stream-tool-use.chunks.jsonl: empty first input_json_delta, ping mid-block, args parsed at block stop", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-tool-use.chunks.jsonl" });
    const { events, response } = await drain(model.stream(ask));
    const deltas = ofType(events, "tool-call-delta");
    expect(deltas[0]).toEqual({
      type: "tool-call-delta",
      index: 0,
      id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
      name: "json",
      argumentsDelta: "",
    });
    const raw = deltas.map((d) => d.argumentsDelta).join("");
    expect(raw).toBe(
      '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}',
    );
    const call = {
      type: "tool-call",
      id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
      name: "json",
      arguments: { elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }] },
      rawArguments: raw,
    };
    expect(ofType(events, "tool-call")).toEqual([{ type: "tool-call", call }]);
    expect(response.toolCalls).toEqual([call]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toMatchObject({ inputTokens: 849, outputTokens: 47 });
    expect(response.model.served).toBe("claude-haiku-4-5-20251001");
  });

  it("messages-stream-tool-use.chunks.jsonl as a forced JSON tool: the input streams as the answer text", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-tool-use.chunks.jsonl" });
    const json = anthropic("claude-3-5-sonnet-20241022", {
      baseURL: server.anthropicBaseURL,
      apiKey: "test",
    });
    const { events, response } = await drain(
      json.stream({ ...ask, responseFormat: { type: "json", schema: { type: "object" } } }),
    );
    expect(ofType(events, "tool-call")).toEqual([]);
    expect(JSON.parse(response.text)).toEqual({
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe("stop");
    expect(response.rawFinishReason).toBe("tool_use");
  });

  it("messages-stream-tool-use.sse: raw SDK bytes with a spaced ping; text block then get_weather tool_use", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-tool-use.sse" });
    const { response } = await drain(model.stream(ask));
    expect(response.content).toEqual([
      { type: "text", text: "I'll check the current weather in Paris for you." },
      {
        type: "tool-call",
        id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
        name: "get_weather",
        arguments: { location: "Paris" },
        rawArguments: '{"location": "Paris"}',
      },
    ]);
    expect(response.usage).toStrictEqual({
      inputTokens: 377,
      outputTokens: 65,
      totalTokens: 442,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(response.finishReason).toBe("tool-calls");
    expect(response.model.served).toBe("claude-sonnet-4-20250514");
  });

  it("messages-stream-incomplete-partial-json.sse: max_tokens mid tool input keeps the raw JSON, sets argumentsError, finishes 'length'", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-incomplete-partial-json.sse" });
    const { events, response } = await drain(model.stream(ask));
    expect(response.text).toBe(
      "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.",
    );
    const rawArguments =
      '{"filename": "taxes.txt", "lines_of_text": [\n"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",\n"",\n"## INTRODUCTION",\n"",\n"Filing taxes';
    expect(response.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "toolu_01EKqbqmZrGRXy18eN7m9kvY",
        name: "make_file",
        arguments: undefined,
        rawArguments,
        argumentsError: expect.stringMatching(/JSON/),
      },
    ]);
    expect(ofType(events, "tool-call")).toHaveLength(1);
    expect(response.finishReason).toBe("length");
    expect(response.rawFinishReason).toBe("max_tokens");
    expect(response.usage).toMatchObject({ inputTokens: 450, outputTokens: 124, totalTokens: 574 });
    expect(response.model.served).toBe("claude-3-7-sonnet-20250219");
  });

  it("error-event-overloaded.from-issue.json: an in-stream `event: error` after text ends in OverloadedError", async () => {
    const payload = readFileSync(
      join(server.fixturesDir!, "anthropic/error-event-overloaded.from-issue.json"),
      "utf8",
    );
    const start = {
      type: "message_start",
      message: {
        id: "msg_x",
        model: "claude-sonnet-4-5-20250929",
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    };
    const delta = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Partial" } };
    server.enqueue({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: [
        `event: message_start\ndata: ${JSON.stringify(start)}\n\n`,
        `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
        `event: content_block_delta\ndata: ${JSON.stringify(delta)}\n\n`,
        // The payload exactly as quoted in the issue (details:null, a space before the last brace).
        `event: error\ndata: ${payload.trim()}\n\n`,
      ].join(""),
    });
    const events: StreamEvent[] = [];
    const stream = model.stream(ask);
    await expect(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    ).rejects.toBeInstanceOf(OverloadedError);
    expect(ofType(events, "text-delta").map((e) => e.text)).toEqual(["Partial"]);
    const last = events.at(-1);
    expect(last?.type).toBe("error");
    const error = (last as { error: OverloadedError }).error;
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({
      code: "overloaded",
      retryable: true,
      provider: "anthropic",
      status: undefined,
    });
    expect(error.message).toBe("Anthropic in stream overloaded_error: Overloaded");
    expect(error.body).toEqual({
      type: "error",
      error: { details: null, type: "overloaded_error", message: "Overloaded" },
    });
    await expect(stream.response).rejects.toBe(error);
  });
});
