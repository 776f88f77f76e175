import { InvalidRequestError, type ModelRequest } from "@keel/core";
import { describe, expect, it } from "vitest";
import { toChatBody } from "./chat-request-body.js";

const weather = {
  name: "get_weather",
  description: "Weather for a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("toChatBody", () => {
  it("sends only the model and messages for a bare request (no undefined keys)", () => {
    const body = toChatBody("gpt-4o", { messages: [{ role: "user", content: "hi" }] }, { stream: false });
    expect(Object.keys(body)).toEqual(["model", "messages"]);
    expect(body).toEqual({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
  });

  it("maps every sampling option and asks for usage on streams", () => {
    const request: ModelRequest = {
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      topP: 0.9,
      frequencyPenalty: 0.5,
      presencePenalty: -0.5,
      seed: 7,
      stop: ["END"],
      maxOutputTokens: 100,
      reasoning: { effort: "low" },
    };
    expect(toChatBody("o4-mini", request, { stream: true })).toEqual({
      model: "o4-mini",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      top_p: 0.9,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      seed: 7,
      stop: ["END"],
      max_completion_tokens: 100,
      reasoning_effort: "low",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("maps a reasoning budget to the nearest effort", () => {
    const body = (budgetTokens: number) =>
      toChatBody("o3", { messages: [], reasoning: { budgetTokens } }, { stream: false }).reasoning_effort;
    expect([body(1024), body(8000), body(32_000)]).toEqual(["low", "medium", "high"]);
  });

  it("maps tools (strict only when asked), tool choice and JSON-schema output", () => {
    const body = toChatBody(
      "gpt-4o",
      {
        messages: [{ role: "user", content: "hi" }],
        tools: [weather, { name: "noop", inputSchema: { type: "object" }, strict: true }],
        toolChoice: { type: "tool", name: "get_weather" },
        responseFormat: { type: "json", name: "answer", schema: { type: "object" }, strict: true },
      },
      { stream: false },
    );
    expect(body.tools).toEqual([
      {
        type: "function",
        function: { name: "get_weather", description: "Weather for a city", parameters: weather.inputSchema },
      },
      { type: "function", function: { name: "noop", parameters: { type: "object" }, strict: true } },
    ]);
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object" }, strict: true },
    });
  });

  it("maps the string tool choices and JSON without a schema", () => {
    for (const choice of ["auto", "none", "required"] as const)
      expect(toChatBody("m", { messages: [], toolChoice: choice }, { stream: false }).tool_choice).toBe(
        choice,
      );
    expect(
      toChatBody("m", { messages: [], responseFormat: { type: "json" } }, { stream: false }).response_format,
    ).toEqual({
      type: "json_object",
    });
  });

  it("spreads providerOptions.openai last, so it can add and override fields", () => {
    const body = toChatBody(
      "gpt-4o",
      {
        messages: [],
        temperature: 1,
        providerOptions: {
          openai: { parallel_tool_calls: false, temperature: 0, user: "u1" },
          anthropic: { x: 1 },
        },
      },
      { stream: false },
    );
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [],
      temperature: 0,
      parallel_tool_calls: false,
      user: "u1",
    });
  });

  it("maps system, user (text, image url, image data, PDF, audio), assistant and tool messages", () => {
    const body = toChatBody(
      "gpt-4o",
      {
        messages: [
          { role: "system", content: "be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image", mediaType: "image/png", url: "https://x/img.png" },
              { type: "image", mediaType: "image/jpeg", data: "AAAA" },
              { type: "file", mediaType: "application/pdf", data: "JVBE", filename: "a.pdf" },
              { type: "file", mediaType: "application/pdf", data: "JVBE" },
              { type: "file", mediaType: "audio/wav", data: "UklG" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "thinking" },
              { type: "text", text: "calling" },
              { type: "tool-call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
              { type: "tool-call", id: "call_2", name: "noop", arguments: {}, rawArguments: "{ }" },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool-result", toolCallId: "call_1", name: "get_weather", result: { temp: 20 } },
              { type: "tool-result", toolCallId: "call_2", name: "noop", result: "failed", isError: true },
            ],
          },
          { role: "assistant", content: [{ type: "tool-call", id: "call_3", name: "noop", arguments: {} }] },
        ],
      },
      { stream: false, systemMessageRole: "developer" },
    );
    expect(body.messages).toEqual([
      { role: "developer", content: "be brief" },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "https://x/img.png" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBE", filename: "a.pdf" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBE", filename: "file.pdf" } },
          { type: "input_audio", input_audio: { data: "UklG", format: "wav" } },
        ],
      },
      {
        role: "assistant",
        content: "calling",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          { id: "call_2", type: "function", function: { name: "noop", arguments: "{ }" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp":20}' },
      { role: "tool", tool_call_id: "call_2", content: "Error: failed" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_3", type: "function", function: { name: "noop", arguments: "{}" } }],
      },
    ]);
  });

  it("rejects what Chat Completions cannot take, with a clear error", () => {
    expect(() => toChatBody("m", { messages: [], topK: 5 }, { stream: false })).toThrow(InvalidRequestError);
    expect(() => toChatBody("m", { messages: [], topK: 5 }, { stream: false })).toThrow(/topK/);
    expect(() =>
      toChatBody(
        "m",
        {
          messages: [
            {
              role: "user",
              content: [{ type: "file", mediaType: "application/pdf", url: "https://x/a.pdf" }],
            },
          ],
        },
        { stream: false },
      ),
    ).toThrow(/inline only/);
    expect(() =>
      toChatBody(
        "m",
        { messages: [{ role: "user", content: [{ type: "image", mediaType: "image/png" }] }] },
        { stream: false },
      ),
    ).toThrow(InvalidRequestError);
  });
});
