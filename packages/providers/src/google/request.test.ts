/**
 * What the adapter puts on the wire, read back from the test server: the documented
 * generateContent body for every option (exact equality, so no unknown keys and no dropped
 * options), URLs, headers, and thought signatures carried across turns.
 */
import { GoogleGenerativeAI } from "@google/generative-ai";
import { AuthenticationError, InvalidRequestError, type Message, type ModelRequest } from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { google } from "./model.js";

let server: TestServer;
const settings = () => ({ apiKey: "test-key", baseUrl: server.geminiBaseURL });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** Top-level keys of a GenerateContentRequest (ai.google.dev/api/generate-content#request-body). */
const REQUEST_KEYS = [
  "contents",
  "systemInstruction",
  "tools",
  "toolConfig",
  "generationConfig",
  "safetySettings",
  "cachedContent",
];
/** GenerationConfig fields Keel maps (ai.google.dev/api/generate-content#generationconfig). */
const GENERATION_KEYS = [
  "stopSequences",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseMimeType",
  "responseSchema",
  "thinkingConfig",
];

const everything: ModelRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture, and the weather in Paris?" },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
        {
          type: "file",
          mediaType: "application/pdf",
          url: "https://generativelanguage.googleapis.com/v1beta/files/f1",
        },
      ],
    },
  ],
  tools: [
    {
      name: "weather",
      description: "Current weather for a city",
      inputSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {
          city: { type: "string", description: "City" },
          unit: { type: ["string", "null"], enum: ["c", "f", null] },
        },
        required: ["city"],
        additionalProperties: false,
      },
    },
  ],
  toolChoice: { type: "tool", name: "weather" },
  responseFormat: {
    type: "json",
    schema: {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    },
  },
  temperature: 0.4,
  topP: 0.95,
  topK: 32,
  seed: 42,
  stop: ["STOP!"],
  maxOutputTokens: 512,
  presencePenalty: 0.1,
  frequencyPenalty: 0.2,
  reasoning: { budgetTokens: 1024 },
  providerOptions: {
    google: { safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_ONLY_HIGH" }] },
  },
};

const expectedBody = {
  systemInstruction: { role: "system", parts: [{ text: "You are terse." }] },
  contents: [
    {
      role: "user",
      parts: [
        { text: "What is in this picture, and the weather in Paris?" },
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
        {
          fileData: {
            mimeType: "application/pdf",
            fileUri: "https://generativelanguage.googleapis.com/v1beta/files/f1",
          },
        },
      ],
    },
  ],
  tools: [
    {
      functionDeclarations: [
        {
          name: "weather",
          description: "Current weather for a city",
          parameters: {
            type: "object",
            properties: {
              city: { type: "string", description: "City" },
              unit: { type: "string", enum: ["c", "f"], nullable: true },
            },
            required: ["city"],
          },
        },
      ],
    },
  ],
  toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] } },
  generationConfig: {
    stopSequences: ["STOP!"],
    maxOutputTokens: 512,
    temperature: 0.4,
    topP: 0.95,
    topK: 32,
    seed: 42,
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    responseMimeType: "application/json",
    responseSchema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
    thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
  },
  safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_ONLY_HIGH" }],
};

describe("request body on the wire", () => {
  it.each(["generate", "stream"] as const)(
    "%s sends every option as the documented generateContent field, and nothing else",
    async (mode) => {
      const model = google("gemini-2.5-flash", settings());
      if (mode === "generate") await model.generate(everything);
      else await model.stream(everything).response;
      const body = server.requests[0]!.body;
      expect(body).toEqual(expectedBody);
      expect(Object.keys(body).every((k) => REQUEST_KEYS.includes(k))).toBe(true);
      expect(Object.keys(body.generationConfig).every((k) => GENERATION_KEYS.includes(k))).toBe(true);
    },
  );

  it("sends a minimal request with no empty defaults (the SDK's generationConfig {} and safetySettings [])", async () => {
    await google("gemini-2.5-flash", settings()).generate({ messages: [{ role: "user", content: "hi" }] });
    expect(server.requests[0]!.body).toEqual({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
  });

  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
  ] as const)("sends toolChoice %s as functionCallingConfig", async (toolChoice, config) => {
    const tools = [{ name: "now", inputSchema: { type: "object", properties: {} } }];
    await google("gemini-2.5-flash", settings()).generate({
      messages: [{ role: "user", content: "hi" }],
      tools,
      toolChoice,
    });
    expect(server.requests[0]!.body.toolConfig).toEqual({ functionCallingConfig: config });
    expect(server.requests[0]!.body.tools).toEqual([{ functionDeclarations: [{ name: "now" }] }]);
  });

  it("sends reasoning effort as a thinking budget", async () => {
    await google("gemini-2.5-flash", settings()).generate({
      messages: [{ role: "user", content: "hi" }],
      reasoning: { effort: "medium" },
    });
    expect(server.requests[0]!.body.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 8192, includeThoughts: true },
    });
  });

  it("uses baseUrl, apiVersion, model paths, the API key and settings + per-call headers", async () => {
    const model = google("tunedModels/my-tune", {
      ...settings(),
      apiVersion: "v1",
      headers: { "x-team": "search", "x-trace": "settings" },
    });
    await model.generate(
      { messages: [{ role: "user", content: "hi" }] },
      { headers: { "x-trace": "call-1" } },
    );
    const req = server.requests[0]!;
    expect(req.path).toBe("/v1/tunedModels/my-tune:generateContent");
    expect(req.headers).toMatchObject({
      "x-goog-api-key": "test-key",
      "x-team": "search",
      "x-trace": "call-1",
      "content-type": "application/json",
    });
  });
});

describe("thought signatures across turns", () => {
  it("sends back the reasoning and the signed functionCall of stream-thinking-function-call.sse, then the tool result", async () => {
    const model = google("gemini-2.5-flash", settings());
    server.enqueue({ fixture: "gemini/stream-thinking-function-call.sse" });
    const first: Message[] = [{ role: "user", content: "How many days until New Year's Eve?" }];
    const turn1 = await model.stream({ messages: first }).response;
    const call = turn1.toolCalls[0]!;
    const signature = call.providerMetadata?.google?.thoughtSignature as string;
    expect(signature).toMatch(/^CiIBVKhc7vB/);

    await model.generate({
      messages: [
        ...first,
        { role: "assistant", content: turn1.content },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: call.id, name: call.name, result: { now: "2025-07-28" } },
          ],
        },
      ],
    });
    expect(server.requests[1]!.body.contents).toEqual([
      { role: "user", parts: [{ text: "How many days until New Year's Eve?" }] },
      {
        role: "model",
        parts: [
          { text: (turn1.content[0] as { text: string }).text, thought: true },
          { functionCall: { name: "now", args: {} }, thoughtSignature: signature },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "now", response: { now: "2025-07-28" } } }] },
    ]);
  });

  it("sends back the signature Gemini put on a text part (generate-text.json)", async () => {
    const model = google("gemini-3-pro-preview", settings());
    server.enqueue({ fixture: "gemini/generate-text.json" });
    const turn1 = await model.generate({
      messages: [{ role: "user", content: "How many r's in strawberry?" }],
    });
    await model.generate({
      messages: [
        { role: "user", content: "How many r's in strawberry?" },
        { role: "assistant", content: turn1.content },
        { role: "user", content: "And in raspberry?" },
      ],
    });
    expect(server.requests[1]!.body.contents[1]).toEqual({
      role: "model",
      parts: [{ text: turn1.text, thoughtSignature: expect.stringMatching(/^EtoFCtcFAb4/) }],
    });
  });
});

describe("settings", () => {
  it("uses a prebuilt client's key, and without any key fails each call (not the declaration)", async () => {
    const client = new GoogleGenerativeAI("client-key");
    await google("gemini-2.5-flash", { client, baseUrl: server.geminiBaseURL }).generate({
      messages: [{ role: "user", content: "hi" }],
    });
    expect(server.requests[0]!.headers["x-goog-api-key"]).toBe("client-key");
    vi.stubEnv("GOOGLE_GENERATIVE_AI_API_KEY", "");
    vi.stubEnv("GEMINI_API_KEY", "");
    try {
      const keyless = google("gemini-2.5-flash", { baseUrl: server.geminiBaseURL });
      await expect(keyless.generate({ messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(
        AuthenticationError,
      );
      vi.stubEnv("GEMINI_API_KEY", "env-key");
      await google("gemini-2.5-flash", { baseUrl: server.geminiBaseURL }).generate({
        messages: [{ role: "user", content: "hi" }],
      });
      expect(server.requests[1]!.headers["x-goog-api-key"]).toBe("env-key");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("describes capabilities by model generation, with overrides", () => {
    expect(google("gemini-2.5-pro", settings()).capabilities).toMatchObject({
      reasoning: true,
      tools: true,
      streaming: true,
    });
    expect(google("gemini-2.0-flash", settings()).capabilities.reasoning).toBe(false);
    expect(
      google("gemini-2.0-flash", { ...settings(), capabilities: { contextWindow: 1_048_576 } }).capabilities
        .contextWindow,
    ).toBe(1_048_576);
  });

  it("reports bad input as InvalidRequestError before sending anything, for generate and stream", async () => {
    const bad: ModelRequest = { messages: [{ role: "system", content: "only" }] };
    await expect(google("gemini-2.5-flash", settings()).generate(bad)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(google("gemini-2.5-flash", settings()).stream(bad).response).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(server.requests).toHaveLength(0);
  });
});
