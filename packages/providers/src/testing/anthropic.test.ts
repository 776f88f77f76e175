import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";

let server: TestServer;
let client: Anthropic;

beforeAll(async () => {
  server = await startTestServer();
  client = new Anthropic({ baseURL: server.anthropicBaseURL, apiKey: "test", maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const request = {
  model: "claude-test-model",
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "Say hello" }],
};

describe("Anthropic Messages through the official SDK", () => {
  it("answers a non-streamed call with a message, echoing the model", async () => {
    server.enqueue({ text: "Hello there", usage: { input: 12, output: 4 } });
    const message = await client.messages.create(request);
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-test-model",
      content: [{ type: "text", text: "Hello there" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 12, output_tokens: 4 },
    });
  });

  it("streams message_start … message_stop events with event: lines that the SDK accumulates", async () => {
    server.enqueue({ text: "Hello brave new world", usage: { input: 9, output: 5 } });
    const stream = client.messages.stream(request);
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(["Hello", " brave", " new", " world"]);
    expect(final.content).toEqual([expect.objectContaining({ type: "text", text: "Hello brave new world" })]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 5 });
  });

  it("frames every event with an event: line naming its type", async () => {
    server.enqueue({ text: "Hi", toolCalls: [{ name: "t", arguments: { a: 1 } }] });
    const res = await fetch(`${server.anthropicBaseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...request, stream: true }),
    });
    const events = (await res.text()).split("\n\n").filter(Boolean);
    const types = events.map((event) => /^event: (\S+)\ndata: (.*)$/s.exec(event)!.slice(1));
    for (const [name, data] of types) expect(JSON.parse(data!).type).toBe(name);
    expect(types.map(([name]) => name)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("streams tool_use blocks through input_json_delta fragments", async () => {
    server.enqueue({
      text: "Let me check.",
      toolCalls: [
        { id: "toolu_1", name: "get_weather", arguments: { location: "Paris, France", unit: "celsius" } },
      ],
    });
    const final = await client.messages.stream({ ...request, tools: [] }).finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content[1]).toMatchObject({
      type: "tool_use",
      id: "toolu_1",
      name: "get_weather",
      input: { location: "Paris, France", unit: "celsius" },
    });
  });

  it("returns tool_use blocks in a non-streamed message", async () => {
    server.enqueue({ text: "", toolCalls: [{ name: "lookup", arguments: { q: "keel" } }] });
    const message = await client.messages.create(request);
    expect(message.content).toEqual([
      { type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "lookup", input: { q: "keel" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("replays the recorded anthropic/messages-stream-tool-use.sse", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-tool-use.sse" });
    const final = await client.messages.stream(request).finalMessage();
    expect(final.model).toBe("claude-sonnet-4-20250514");
    expect(final.content[0]).toMatchObject({
      type: "text",
      text: "I'll check the current weather in Paris for you.",
    });
    expect(final.content[1]).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: { location: "Paris" },
    });
  });

  it("replays a .chunks.jsonl fixture adding event: lines", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-text.chunks.jsonl" });
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content[0]).toMatchObject({
      type: "text",
      text: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    });
  });

  it("records the request with its credentials header and the anthropic protocol", async () => {
    await client.messages.create(request);
    expect(server.requests[0]).toMatchObject({ path: "/v1/messages", protocol: "anthropic", stream: false });
    // SDK 1.x sends the key as a bearer token; older ones as x-api-key.
    const headers = server.requests[0]!.headers;
    expect(headers["x-api-key"] ?? headers.authorization).toMatch(/test$/);
    expect(server.requests[0]!.headers["anthropic-version"]).toBeTruthy();
  });
});
