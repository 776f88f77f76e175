import { InvalidRequestError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { toResponsesBody } from "./responses-request-body.js";

const base = { stream: false, encryptedReasoning: true } as const;

describe("toResponsesBody", () => {
  it("does not store and asks for encrypted reasoning by default", () => {
    expect(toResponsesBody("o4-mini", { messages: [{ role: "user", content: "hi" }] }, base)).toEqual({
      model: "o4-mini",
      input: [{ role: "user", content: "hi" }],
      store: false,
      include: ["reasoning.encrypted_content"],
    });
  });

  it("does not ask for encrypted reasoning from non-reasoning models or stored requests", () => {
    expect(toResponsesBody("gpt-4o", { messages: [] }, { ...base, encryptedReasoning: false })).toEqual({
      model: "gpt-4o",
      input: [],
      store: false,
    });
    expect(toResponsesBody("o3", { messages: [] }, { ...base, store: true })).toEqual({
      model: "o3",
      input: [],
      store: true,
    });
  });

  it("maps tools, tool choice, JSON schema, sampling, max tokens, reasoning and provider options", () => {
    const body = toResponsesBody(
      "o4-mini",
      {
        messages: [
          {
            role: "system",
            content: [
              { type: "text", text: "be " },
              { type: "text", text: "brief" },
            ],
          },
        ],
        tools: [
          { name: "calc", description: "adds", inputSchema: { type: "object" } },
          { name: "strict_one", inputSchema: { type: "object" }, strict: true },
        ],
        toolChoice: { type: "tool", name: "calc" },
        responseFormat: { type: "json", schema: { type: "object" }, description: "an answer" },
        temperature: 0.3,
        topP: 0.8,
        maxOutputTokens: 500,
        reasoning: { effort: "high" },
        providerOptions: {
          openai: { reasoning: { effort: "high", summary: "auto" }, parallel_tool_calls: false },
        },
      },
      { ...base, stream: true },
    );
    expect(body).toEqual({
      model: "o4-mini",
      input: [{ role: "system", content: "be brief" }],
      tools: [
        {
          type: "function",
          name: "calc",
          description: "adds",
          parameters: { type: "object" },
          strict: false,
        },
        { type: "function", name: "strict_one", parameters: { type: "object" }, strict: true },
      ],
      tool_choice: { type: "function", name: "calc" },
      text: {
        format: {
          type: "json_schema",
          name: "response",
          description: "an answer",
          schema: { type: "object" },
        },
      },
      temperature: 0.3,
      top_p: 0.8,
      max_output_tokens: 500,
      reasoning: { effort: "high", summary: "auto" },
      store: false,
      include: ["reasoning.encrypted_content"],
      stream: true,
      parallel_tool_calls: false,
    });
  });

  it("sends reasoning items, function calls and their outputs back in order", () => {
    const body = toResponsesBody(
      "o4-mini",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "see" },
              { type: "image", mediaType: "image/png", data: "AAAA" },
              { type: "file", mediaType: "application/pdf", url: "https://x/a.pdf" },
              { type: "file", mediaType: "application/pdf", data: "JVBE", filename: "b.pdf" },
            ],
          },
          {
            role: "assistant",
            content: [
              {
                type: "reasoning",
                text: "plan",
                providerMetadata: { openai: { itemId: "rs_1", encryptedContent: "gAAA" } },
              },
              { type: "reasoning", text: "from another provider", signature: "sig" },
              {
                type: "tool-call",
                id: "call_1",
                name: "calc",
                arguments: { a: 1 },
                rawArguments: '{"a":1}',
                providerMetadata: { openai: { itemId: "fc_1" } },
              },
            ],
          },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", name: "calc", result: 3 }] },
          { role: "assistant", content: "The answer is 3." },
        ],
      },
      base,
    );
    expect(body.input).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "see" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
          { type: "input_file", file_url: "https://x/a.pdf" },
          { type: "input_file", file_data: "data:application/pdf;base64,JVBE", filename: "b.pdf" },
        ],
      },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "plan" }],
        encrypted_content: "gAAA",
      },
      { type: "function_call", call_id: "call_1", name: "calc", arguments: '{"a":1}', id: "fc_1" },
      { type: "function_call_output", call_id: "call_1", output: "3" },
      { role: "assistant", content: "The answer is 3." },
    ]);
  });

  it("rejects the options the Responses API does not have", () => {
    for (const extra of [
      { stop: ["x"] },
      { seed: 1 },
      { frequencyPenalty: 1 },
      { presencePenalty: 1 },
      { topK: 1 },
    ])
      expect(() => toResponsesBody("o3", { messages: [], ...extra }, base)).toThrow(InvalidRequestError);
    expect(() => toResponsesBody("o3", { messages: [], stop: ["x"], seed: 1 }, base)).toThrow(/stop, seed/);
  });

  it("sends a custom tool call back as custom_tool_call and its result as custom_tool_call_output", () => {
    // The part the Responses mappers make of a custom_tool_call item (free-form input, no JSON).
    const input = "*** Begin Patch\n*** End Patch";
    const body = toResponsesBody(
      "gpt-5",
      {
        messages: [
          { role: "user", content: "patch it" },
          {
            role: "assistant",
            content: [
              {
                type: "tool-call",
                id: "call_patch",
                name: "apply_grammar_patch",
                arguments: input,
                rawArguments: input,
                providerMetadata: { openai: { kind: "custom", itemId: "ctc_1" } },
              },
              { type: "tool-call", id: "call_2", name: "calc", arguments: { a: 1 } },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "call_patch",
                name: "apply_grammar_patch",
                result: "applied",
              },
              { type: "tool-result", toolCallId: "call_2", name: "calc", result: 3 },
            ],
          },
        ],
      },
      base,
    );
    expect(body.input).toEqual([
      { role: "user", content: "patch it" },
      { type: "custom_tool_call", call_id: "call_patch", name: "apply_grammar_patch", input, id: "ctc_1" },
      { type: "function_call", call_id: "call_2", name: "calc", arguments: '{"a":1}' },
      { type: "custom_tool_call_output", call_id: "call_patch", output: "applied" },
      { type: "function_call_output", call_id: "call_2", output: "3" },
    ]);
  });
});
