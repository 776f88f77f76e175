import { InvalidRequestError, type Message, type ModelRequest } from "@keel/core";
import { describe, expect, it } from "vitest";
import { THINKING_BUDGETS, toGeminiRequest } from "./request-body.js";

const user = (content: string): Message => ({ role: "user", content });

describe("toGeminiRequest: messages", () => {
  it("collects every system message into one systemInstruction and maps roles", () => {
    const body = toGeminiRequest({
      messages: [
        { role: "system", content: "Be brief." },
        user("hi"),
        { role: "assistant", content: "hello" },
        { role: "system", content: [{ type: "text", text: "Use metric units." }] },
        user("weather?"),
      ],
    });
    expect(body).toEqual({
      systemInstruction: { role: "system", parts: [{ text: "Be brief." }, { text: "Use metric units." }] },
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "hello" }] },
        { role: "user", parts: [{ text: "weather?" }] },
      ],
    });
  });

  it("sends images and files inline (base64, data: URLs) or by URI", () => {
    const body = toGeminiRequest({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "compare" },
            { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            { type: "image", mediaType: "image/png", url: "data:image/jpeg;base64,/9j/4AAQ" },
            {
              type: "file",
              mediaType: "application/pdf",
              url: "https://generativelanguage.googleapis.com/v1beta/files/abc",
            },
            { type: "file", mediaType: "audio/mp3", data: "SUQz", filename: "a.mp3" },
          ],
        },
      ],
    });
    expect(body.contents[0]!.parts).toEqual([
      { text: "compare" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
      {
        fileData: {
          mimeType: "application/pdf",
          fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc",
        },
      },
      { inlineData: { mimeType: "audio/mp3", data: "SUQz" } },
    ]);
  });

  it("sends tool calls, reasoning and text back with their thought signatures, and tool results as functionResponse", () => {
    const body = toGeminiRequest({
      messages: [
        user("weather in Paris and Rome?"),
        {
          role: "assistant",
          content: [
            {
              type: "reasoning",
              text: "I should call the tool.",
              providerMetadata: { google: { thoughtSignature: "R1" } },
            },
            { type: "text", text: "Checking.", providerMetadata: { google: { thoughtSignature: "T1" } } },
            {
              type: "tool-call",
              id: "gemini-x-0",
              name: "weather",
              arguments: { city: "Paris" },
              providerMetadata: { google: { thoughtSignature: "S1" } },
            },
            { type: "tool-call", id: "gemini-x-1", name: "weather", arguments: { city: "Rome" } },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "gemini-x-0", name: "weather", result: { tempC: 21 } },
            { type: "tool-result", toolCallId: "gemini-x-1", name: "weather", result: "sunny" },
            {
              type: "tool-result",
              toolCallId: "gemini-x-2",
              name: "weather",
              result: "timeout",
              isError: true,
            },
          ],
        },
      ],
    });
    expect(body.contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          { text: "I should call the tool.", thought: true, thoughtSignature: "R1" },
          { text: "Checking.", thoughtSignature: "T1" },
          { functionCall: { name: "weather", args: { city: "Paris" } }, thoughtSignature: "S1" },
          { functionCall: { name: "weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "weather", response: { tempC: 21 } } },
          { functionResponse: { name: "weather", response: { result: "sunny" } } },
          { functionResponse: { name: "weather", response: { error: "timeout" } } },
        ],
      },
    ]);
  });

  it("rejects input Gemini cannot take, with a clear error", () => {
    expect(() => toGeminiRequest({ messages: [{ role: "system", content: "only system" }] })).toThrow(
      /at least one user, assistant or tool message/,
    );
    expect(() =>
      toGeminiRequest({ messages: [{ role: "user", content: [{ type: "image", mediaType: "image/png" }] }] }),
    ).toThrow(/needs either "data" or "url"/);
    expect(() => toGeminiRequest({ messages: [{ role: "user", content: [] }] })).toThrow(InvalidRequestError);
    expect(() =>
      toGeminiRequest({
        messages: [
          { role: "assistant", content: [{ type: "tool-call", id: "1", name: "f", arguments: [1, 2] }] },
        ],
      }),
    ).toThrow(/not a JSON object/);
  });
});

describe("toGeminiRequest: tools", () => {
  const tools = [
    {
      name: "weather",
      description: "Current weather",
      inputSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
        additionalProperties: false,
      },
    },
    { name: "now", inputSchema: { type: "object", properties: {} } },
  ];

  it("declares functions with converted schemas and leaves parameters out when there are none", () => {
    expect(toGeminiRequest({ messages: [user("hi")], tools }).tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "weather",
            description: "Current weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
          { name: "now" },
        ],
      },
    ]);
  });

  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [
      { type: "tool", name: "now" },
      { mode: "ANY", allowedFunctionNames: ["now"] },
    ],
  ] as const)("maps toolChoice %j to functionCallingConfig", (toolChoice, config) => {
    const body = toGeminiRequest({ messages: [user("hi")], tools, toolChoice });
    expect(body.toolConfig).toEqual({ functionCallingConfig: config });
  });

  it("sends no toolConfig without a toolChoice, and rejects choices that cannot be met", () => {
    expect(toGeminiRequest({ messages: [user("hi")], tools })).not.toHaveProperty("toolConfig");
    expect(() => toGeminiRequest({ messages: [user("hi")], toolChoice: "required" })).toThrow(/has no tools/);
    expect(() =>
      toGeminiRequest({ messages: [user("hi")], tools, toolChoice: { type: "tool", name: "missing" } }),
    ).toThrow(/not among the request's tools/);
  });
});

describe("toGeminiRequest: generationConfig", () => {
  it("maps every sampling option and leaves no undefined keys", () => {
    const request: ModelRequest = {
      messages: [user("hi")],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      seed: 7,
      stop: ["END"],
      maxOutputTokens: 256,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    };
    const body = toGeminiRequest(request);
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: {
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        seed: 7,
        stopSequences: ["END"],
        maxOutputTokens: 256,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
      },
    });
    expect(JSON.stringify(toGeminiRequest({ messages: [user("hi")] }))).toBe(
      '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}',
    );
  });

  it("maps JSON output with and without a schema", () => {
    expect(
      toGeminiRequest({ messages: [user("hi")], responseFormat: { type: "json" } }).generationConfig,
    ).toEqual({
      responseMimeType: "application/json",
    });
    const withSchema = toGeminiRequest({
      messages: [user("hi")],
      responseFormat: {
        type: "json",
        name: "person",
        description: "A person",
        schema: { type: "object", properties: { name: { type: "string" } }, additionalProperties: false },
      },
    });
    expect(withSchema.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "object", description: "A person", properties: { name: { type: "string" } } },
    });
    expect(toGeminiRequest({ messages: [user("hi")], responseFormat: { type: "text" } })).not.toHaveProperty(
      "generationConfig",
    );
  });

  it("maps reasoning to thinkingConfig: a budget wins over effort, and thoughts are always included", () => {
    const config = (reasoning: ModelRequest["reasoning"]) =>
      toGeminiRequest({ messages: [user("hi")], reasoning }).generationConfig?.thinkingConfig;
    expect(config({ budgetTokens: 2048, effort: "high" })).toEqual({
      thinkingBudget: 2048,
      includeThoughts: true,
    });
    expect(config({ effort: "low" })).toEqual({
      thinkingBudget: THINKING_BUDGETS.low,
      includeThoughts: true,
    });
    expect(config({})).toEqual({ includeThoughts: true });
  });

  it("applies providerOptions.google last, merging generationConfig and toolConfig field by field", () => {
    const safetySettings = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }];
    const body = toGeminiRequest({
      messages: [user("hi")],
      temperature: 0.1,
      tools: [{ name: "f", inputSchema: { type: "object", properties: { a: { type: "string" } } } }],
      toolChoice: "required",
      providerOptions: {
        google: {
          safetySettings,
          cachedContent: "cachedContents/abc",
          generationConfig: { candidateCount: 1, temperature: 0.3 },
          toolConfig: { retrievalConfig: { languageCode: "en" } },
        },
        openai: { user: "ignored" },
      },
    });
    expect(body.safetySettings).toEqual(safetySettings);
    expect(body.cachedContent).toBe("cachedContents/abc");
    expect(body.generationConfig).toEqual({ temperature: 0.3, candidateCount: 1 });
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY" },
      retrievalConfig: { languageCode: "en" },
    });
    expect(body).not.toHaveProperty("user");
  });
});
