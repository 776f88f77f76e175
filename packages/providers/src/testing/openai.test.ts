import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embedText } from "./embeddings.js";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";

let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startTestServer();
  client = new OpenAI({ baseURL: server.openaiBaseURL, apiKey: "test", maxRetries: 0, logLevel: "off" });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const messages = [{ role: "user" as const, content: "Say hello" }];

describe("OpenAI chat completions through the official SDK", () => {
  it("answers a non-streamed call with a chat.completion the SDK parses, echoing the model", async () => {
    server.enqueue({ text: "Hello there", usage: { input: 7, output: 3 } });
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices[0]!.message).toMatchObject({ role: "assistant", content: "Hello there" });
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  });

  it("streams chat.completion.chunk events with a final usage chunk when include_usage is set", async () => {
    server.enqueue({
      text: "Hello brave new world",
      model: "gpt-4o-2024-08-06",
      usage: { input: 5, output: 4 },
    });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Hello brave new world");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(4);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o-2024-08-06")).toBe(
      true,
    );
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("omits usage from a stream that did not ask for it, and ends with data: [DONE]", async () => {
    server.enqueue({ text: "a b", chunks: 1 });
    const res = await fetch(`${server.openaiBaseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages, stream: true }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const body = await res.text();
    expect(body).not.toContain('"usage"');
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(body.split("\n\n").filter(Boolean)).toHaveLength(4);
  });

  it("streams tool calls that the SDK's stream helper assembles", async () => {
    server.enqueue({
      text: "",
      toolCalls: [
        { id: "call_1", name: "get_weather", arguments: { city: "Paris", units: "c" } },
        { name: "get_time", arguments: { zone: "Europe/Paris" } },
      ],
    });
    const runner = client.chat.completions.stream({ model: "gpt-4o", messages });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(
      calls.map((c) =>
        c.type === "function" ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : [],
      ),
    ).toEqual([
      ["call_1", "get_weather", { city: "Paris", units: "c" }],
      [expect.stringMatching(/^call_/), "get_time", { zone: "Europe/Paris" }],
    ]);
  });

  it("returns tool calls in a non-streamed completion, with content null", async () => {
    server.enqueue({ text: "", toolCalls: [{ name: "lookup", arguments: { q: "keel" } }] });
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages });
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls?.[0]).toMatchObject({
      type: "function",
      function: { name: "lookup", arguments: '{"q":"keel"}' },
    });
  });

  it("maps a Keel finish reason to OpenAI's", async () => {
    server.enqueue({ text: "cut", finishReason: "length" });
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(completion.choices[0]!.finish_reason).toBe("length");
  });

  it("replays the recorded openai/chat-stream-text-usage.sse byte for byte", async () => {
    server.enqueue({ fixture: "openai/chat-stream-text-usage.sse" });
    const stream = await client.chat.completions.create({ model: "whatever", messages, stream: true });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.startsWith("I'm unable to provide real-time weather updates.")).toBe(true);
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });

  it("replays a .chunks.jsonl fixture as data: lines followed by [DONE]", async () => {
    server.enqueue({ fixture: "openai/chat-stream-text-obfuscation.chunks.jsonl" });
    const stream = await client.chat.completions.create({ model: "gpt-4.1-nano", messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)!.usage).toBeTruthy();
  });

  it("records the request: parsed body, lowercased headers, protocol and stream flag", async () => {
    server.enqueue({ text: "ok" });
    await client.chat.completions.create({ model: "gpt-4o", messages, stream: true }).then(async (s) => {
      for await (const _ of s);
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      protocol: "openai",
      stream: true,
      body: { model: "gpt-4o", messages, stream: true },
    });
    expect(request!.headers.authorization).toBe("Bearer test");
    expect(Object.keys(request!.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });
});

describe("OpenAI Responses API through the official SDK", () => {
  it("answers responses.create with output_text", async () => {
    server.enqueue({ text: "Hi from responses", usage: { input: 2, output: 3 } });
    const response = await client.responses.create({ model: "gpt-5", input: "hello" });
    expect(response.output_text).toBe("Hi from responses");
    expect(response.model).toBe("gpt-5");
    expect(response.usage?.total_tokens).toBe(5);
  });

  it("streams typed events ending in response.completed, with function calls", async () => {
    server.enqueue({
      text: "Checking.",
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: { city: "Oslo" } }],
    });
    const stream = client.responses.stream({ model: "gpt-5", input: "weather?" });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join("")).toBe("Checking.");
    expect(final.status).toBe("completed");
    expect(final.output.find((item) => item.type === "function_call")).toMatchObject({
      call_id: "call_9",
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
    });
  });

  it("fails a Responses stream with the recorded error event followed by response.failed", async () => {
    server.enqueue({ fault: "stream-error-event", afterChunks: 1, text: "partial answer" });
    const stream = await client.responses.create({ model: "gpt-5", input: "hi", stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/The server had an error/);
    expect(types).toContain("response.output_text.delta");
    expect(types).not.toContain("response.completed");
  });
});

describe("OpenAI embeddings through the official SDK", () => {
  it("returns deterministic vectors (the SDK asks for base64 and decodes them)", async () => {
    const first = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["red apple", "blue sky"],
    });
    const again = await client.embeddings.create({ model: "text-embedding-3-small", input: "red apple" });
    expect(server.requests[0]!.body.encoding_format).toBe("base64");
    expect(first.data).toHaveLength(2);
    expect(first.data[0]!.embedding).toHaveLength(64);
    expect(first.data[0]!.embedding).toEqual(embedText("red apple", 64));
    expect(again.data[0]!.embedding).toEqual(first.data[0]!.embedding);
    expect(first.data[1]!.embedding).not.toEqual(first.data[0]!.embedding);
    expect(first.model).toBe("text-embedding-3-small");
  });

  it("honours dimensions and float encoding", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello",
      dimensions: 8,
      encoding_format: "float",
    });
    expect(result.data[0]!.embedding).toEqual(embedText("hello", 8));
  });
});
