import { type GenerativeModel, GoogleGenerativeAI } from "@google/generative-ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embedText } from "./embeddings.js";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";

let server: TestServer;
let model: GenerativeModel;

function gemini(name: string): GenerativeModel {
  return new GoogleGenerativeAI("test-key").getGenerativeModel(
    { model: name },
    { baseUrl: server.geminiBaseURL },
  );
}

beforeAll(async () => {
  server = await startTestServer();
  model = gemini("gemini-2.0-flash");
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("Gemini generateContent through the official SDK", () => {
  it("answers generateContent with one GenerateContentResponse, modelVersion echoing the path's model", async () => {
    server.enqueue({ text: "Hello there", usage: { input: 7, output: 3 } });
    const { response } = await model.generateContent("Say hello");
    expect(response.text()).toBe("Hello there");
    expect(response.candidates?.[0]).toMatchObject({
      finishReason: "STOP",
      index: 0,
      content: { role: "model" },
    });
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 7,
      candidatesTokenCount: 3,
      totalTokenCount: 10,
    });
    expect((response as { modelVersion?: string }).modelVersion).toBe("gemini-2.0-flash");
  });

  it("streams alt=sse chunks with usage on the last one", async () => {
    server.enqueue({ text: "Hello brave new world", usage: { input: 4, output: 4 } });
    const result = await model.generateContentStream("Say hello");
    const texts: string[] = [];
    for await (const chunk of result.stream) texts.push(chunk.text());
    expect(texts).toEqual(["Hello", " brave", " new", " world"]);
    const response = await result.response;
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 4,
      totalTokenCount: 8,
    });
    expect(server.requests[0]).toMatchObject({
      path: "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
      query: { alt: "sse" },
      protocol: "gemini",
      stream: true,
    });
    expect(server.requests[0]!.headers["x-goog-api-key"]).toBe("test-key");
  });

  it("separates SSE events with CRLF like the real API and sends no [DONE]", async () => {
    server.enqueue({ text: "a b", model: "gemini-2.5-pro" });
    const res = await fetch(`${server.geminiBaseURL}/v1beta/models/x:streamGenerateContent?alt=sse`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    const body = await res.text();
    const events = body.split("\r\n\r\n").filter(Boolean);
    expect(events).toHaveLength(2);
    const last = JSON.parse(events[1]!.replace(/^data: /, ""));
    expect(last).toMatchObject({ modelVersion: "gemini-2.5-pro", responseId: expect.any(String) });
    expect(body).not.toContain("[DONE]");
  });

  it("answers streamGenerateContent without alt=sse with one JSON array", async () => {
    server.enqueue({ text: "a b" });
    const res = await fetch(`${server.geminiBaseURL}/v1beta/models/x:streamGenerateContent`, {
      method: "POST",
      body: JSON.stringify({ contents: [] }),
    });
    const chunks = await res.json();
    expect(chunks.map((chunk: any) => chunk.candidates[0].content.parts[0].text)).toEqual(["a", " b"]);
  });

  it("returns functionCall parts, streamed and not, that the SDK exposes", async () => {
    const toolCalls = [
      { name: "sum", arguments: { x: 1, y: 2 } },
      { name: "sum", arguments: { x: 3, y: 4 } },
    ];
    server.enqueue({ text: "", toolCalls }, { text: "", toolCalls });
    const { response } = await model.generateContent("add");
    expect(response.functionCalls()).toEqual([
      { name: "sum", args: { x: 1, y: 2 } },
      { name: "sum", args: { x: 3, y: 4 } },
    ]);
    // Read the chunks: the SDK's aggregated `result.response` shares one part object across
    // parallel calls (an SDK 0.24 bug) and would report the last call twice.
    const streamed = await model.generateContentStream("add");
    const calls = [];
    for await (const chunk of streamed.stream) calls.push(...(chunk.functionCalls() ?? []));
    expect(calls).toEqual(response.functionCalls());
  });

  it("replays the recorded gemini/stream-text.sse", async () => {
    server.enqueue({ fixture: "gemini/stream-text.sse" });
    const result = await model.generateContentStream("capital of Wyoming?");
    let text = "";
    for await (const chunk of result.stream) text += chunk.text();
    expect(text).toBe("The capital of Wyoming is **Cheyenne**.\n");
    expect((await result.response).usageMetadata?.totalTokenCount).toBe(17);
  });

  it("replays a fixture whose last event lost its blank line (stream-prompt-blocked.sse)", async () => {
    server.enqueue({ fixture: "gemini/stream-prompt-blocked.sse" });
    const result = await model.generateContentStream("blocked");
    const response = await result.response;
    expect(response.promptFeedback?.blockReason).toBe("SAFETY");
  });

  it("replays an error fixture with the status it holds", async () => {
    server.enqueue({ fixture: "gemini/error-429-retry-info.json" });
    const error = await model.generateContent("x").catch((e) => e);
    expect(error.status).toBe(429);
    expect(error.errorDetails).toContainEqual(expect.objectContaining({ retryDelay: "34.4s" }));
  });
});

describe("Gemini embeddings through the official SDK", () => {
  it("embedContent and batchEmbedContents return deterministic vectors", async () => {
    const embedder = gemini("text-embedding-004");
    const single = await embedder.embedContent("red apple");
    expect(single.embedding.values).toEqual(embedText("red apple", 64));
    const batch = await embedder.batchEmbedContents({
      requests: [
        { content: { role: "user", parts: [{ text: "red apple" }] } },
        { content: { role: "user", parts: [{ text: "blue sky" }] } },
      ],
    });
    expect(batch.embeddings.map((e) => e.values)).toEqual([
      embedText("red apple", 64),
      embedText("blue sky", 64),
    ]);
    expect(server.requests.map((r) => r.path)).toEqual([
      "/v1beta/models/text-embedding-004:embedContent",
      "/v1beta/models/text-embedding-004:batchEmbedContents",
    ]);
  });

  it("honours outputDimensionality", async () => {
    const res = await fetch(`${server.geminiBaseURL}/v1beta/models/e:embedContent`, {
      method: "POST",
      body: JSON.stringify({ content: { parts: [{ text: "hi" }] }, outputDimensionality: 5 }),
    });
    expect((await res.json()).embedding.values).toEqual(embedText("hi", 5));
  });
});
