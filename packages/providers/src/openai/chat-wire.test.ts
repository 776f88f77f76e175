/**
 * End-to-end: the request bodies openai() puts on the wire through the real SDK, asserted
 * against the documented Chat Completions shape (exact equality: no unknown keys, no dropped
 * options), plus per-call headers and request ids.
 */
import type { ModelRequest } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { openai } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

// `connection: close` avoids reusing a kept-alive socket that waitForIdle closed between tests.
const settings = () => ({
  baseURL: server.openaiBaseURL,
  apiKey: "sk-test",
  headers: { connection: "close" },
});

const everything: ModelRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image and file?" },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
        { type: "image", mediaType: "image/jpeg", url: "https://example.com/cat.jpg" },
        { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQ=", filename: "report.pdf" },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool-call", id: "call_1", name: "lookup", arguments: { q: "cat" } },
        { type: "tool-call", id: "call_2", name: "lookup", arguments: { q: "pdf" } },
      ],
    },
    {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "call_1", name: "lookup", result: { found: true } },
        { type: "tool-result", toolCallId: "call_2", name: "lookup", result: "not found", isError: true },
      ],
    },
  ],
  tools: [
    {
      name: "lookup",
      description: "Looks a thing up",
      inputSchema: {
        type: "object",
        properties: { q: { type: "string" } },
        required: ["q"],
        additionalProperties: false,
      },
      strict: true,
    },
  ],
  toolChoice: "required",
  responseFormat: {
    type: "json",
    name: "answer",
    schema: {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
      additionalProperties: false,
    },
    strict: true,
  },
  temperature: 0.1,
  topP: 0.5,
  frequencyPenalty: 0.2,
  presencePenalty: 0.3,
  seed: 42,
  stop: ["\n\n", "END"],
  maxOutputTokens: 256,
  reasoning: { effort: "medium" },
  providerOptions: { openai: { parallel_tool_calls: true, user: "user-1", service_tier: "flex" } },
  metadata: { feature: "test" },
  tenant: "acme",
};

const expectedMessages = [
  { role: "system", content: "You are terse." },
  {
    role: "user",
    content: [
      { type: "text", text: "What is in this image and file?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      {
        type: "file",
        file: { file_data: "data:application/pdf;base64,JVBERi0xLjQ=", filename: "report.pdf" },
      },
    ],
  },
  {
    role: "assistant",
    content: "Let me check.",
    tool_calls: [
      { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } },
      { id: "call_2", type: "function", function: { name: "lookup", arguments: '{"q":"pdf"}' } },
    ],
  },
  { role: "tool", tool_call_id: "call_1", content: '{"found":true}' },
  { role: "tool", tool_call_id: "call_2", content: "Error: not found" },
];

const expectedOptions = {
  tools: [
    {
      type: "function",
      function: {
        name: "lookup",
        description: "Looks a thing up",
        parameters: {
          type: "object",
          properties: { q: { type: "string" } },
          required: ["q"],
          additionalProperties: false,
        },
        strict: true,
      },
    },
  ],
  tool_choice: "required",
  response_format: {
    type: "json_schema",
    json_schema: {
      name: "answer",
      schema: {
        type: "object",
        properties: { a: { type: "string" } },
        required: ["a"],
        additionalProperties: false,
      },
      strict: true,
    },
  },
  temperature: 0.1,
  top_p: 0.5,
  frequency_penalty: 0.2,
  presence_penalty: 0.3,
  seed: 42,
  stop: ["\n\n", "END"],
  max_completion_tokens: 256,
  reasoning_effort: "medium",
  parallel_tool_calls: true,
  user: "user-1",
  service_tier: "flex",
};

describe("openai() request bodies on the wire", () => {
  it("a stream sends every mapped option, include_usage, and nothing else", async () => {
    await openai("o4-mini", settings()).stream(everything).response;
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.body).toEqual({
      model: "o4-mini",
      messages: expectedMessages,
      ...expectedOptions,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.headers.authorization).toBe("Bearer sk-test");
    // The SDK's own retries are off: Keel owns retries.
    expect(request.headers["x-stainless-retry-count"]).toBe("0");
  });

  it("generate sends the same body without the stream fields", async () => {
    await openai("o4-mini", settings()).generate(everything);
    expect(server.requests[0]!.body).toEqual({
      model: "o4-mini",
      messages: expectedMessages,
      ...expectedOptions,
    });
  });

  it("sends system messages as developer messages when asked, and per-call headers", async () => {
    await openai("o3", { ...settings(), systemMessageRole: "developer" }).generate(
      { messages: [{ role: "system", content: "x" }] },
      { headers: { "x-trace": "t1" } },
    );
    expect(server.requests[0]!.body.messages).toEqual([{ role: "developer", content: "x" }]);
    expect(server.requests[0]!.headers["x-trace"]).toBe("t1");
  });

  it("takes the request id from the x-request-id header when the server sends one", async () => {
    server.enqueue({ text: "hello", usage: { input: 3, output: 1 } });
    const streamed = await openai("gpt-4o", settings()).stream({
      messages: [{ role: "user", content: "hi" }],
    }).response;
    // The server numbers its x-request-id headers across the whole run; chunk ids are chatcmpl-….
    expect(streamed.requestId).toMatch(/^req_keel\d{8}$/);
    expect(streamed.text).toBe("hello");
    expect(streamed.usage).toEqual({
      inputTokens: 3,
      outputTokens: 1,
      totalTokens: 4,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    server.enqueue({
      fixture: "openai/chat-completion-text.json",
      headers: { "x-request-id": "req_fixture" },
    });
    expect(
      (await openai("gpt-4o", settings()).generate({ messages: [{ role: "user", content: "hi" }] }))
        .requestId,
    ).toBe("req_fixture");
  });

  it("keeps tool-call arguments that are not valid JSON, marked, without failing the call", async () => {
    server.enqueue({
      text: "",
      toolCalls: [{ id: "call_bad", name: "lookup", arguments: '{"q": "unterminated' }],
    });
    const response = await openai("gpt-4o", settings()).stream({
      messages: [{ role: "user", content: "hi" }],
    }).response;
    expect(response.toolCalls).toHaveLength(1);
    expect(response.toolCalls[0]).toMatchObject({
      id: "call_bad",
      name: "lookup",
      arguments: undefined,
      rawArguments: '{"q": "unterminated',
    });
    expect(response.toolCalls[0]!.argumentsError).toMatch(/^invalid JSON arguments/);
    expect(response.finishReason).toBe("tool-calls");
  });
});
