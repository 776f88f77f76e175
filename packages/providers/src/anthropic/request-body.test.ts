import { InvalidRequestError, type Message, type ModelRequest } from "@keel/core";
import { describe, expect, it } from "vitest";
import { anthropicModelTraits } from "./model-traits.js";
import { type AnthropicRequestContext, toAnthropicRequest } from "./request-body.js";
import type { AnthropicSettings } from "./settings.js";

const SONNET_45 = "claude-sonnet-4-5-20250929";

function build(request: Partial<ModelRequest>, settings: AnthropicSettings = {}, modelId = SONNET_45) {
  const context: AnthropicRequestContext = { modelId, traits: anthropicModelTraits(modelId), settings };
  const plan = toAnthropicRequest(
    { messages: [{ role: "user", content: "hi" }], ...request },
    context,
    false,
  );
  expect(undefinedPaths(plan.body)).toEqual([]);
  return plan;
}

function body(request: Partial<ModelRequest>, settings?: AnthropicSettings, modelId?: string) {
  return build(request, settings, modelId).body;
}

/** Paths of keys whose value is undefined: the wire must never carry them. */
function undefinedPaths(value: unknown, path = "$"): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) =>
    v === undefined ? [`${path}.${k}`] : undefinedPaths(v, `${path}.${k}`),
  );
}

const user = (content: Message["content"]): Message => ({ role: "user", content }) as Message;

describe("toAnthropicRequest: prompt", () => {
  it("sends a plain user turn with the family's default max_tokens", () => {
    expect(body({})).toStrictEqual({
      model: SONNET_45,
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
    expect(body({}, {}, "claude-3-haiku-20240307").max_tokens).toBe(4096);
    expect(body({}, { defaultMaxTokens: 1000 }).max_tokens).toBe(1000);
    expect(body({ maxOutputTokens: 300 }, { defaultMaxTokens: 1000 }).max_tokens).toBe(300);
  });

  it("hoists leading system messages: a string, or text blocks when a part is a cache breakpoint", () => {
    expect(body({ messages: [{ role: "system", content: "be brief" }, user("hi")] }).system).toBe("be brief");
    const cached = body({
      messages: [
        { role: "system", content: [{ type: "text", text: "rules" }] },
        { role: "system", content: [{ type: "text", text: "big doc", cache: true }] },
        user("hi"),
      ],
    });
    expect(cached.system).toStrictEqual([
      { type: "text", text: "rules" },
      { type: "text", text: "big doc", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("sends a system message that follows the conversation in place", () => {
    const b = body({
      messages: [
        user("hi"),
        { role: "assistant", content: "hello" },
        { role: "system", content: "now in French" },
        user("ok"),
      ],
    });
    expect(b.system).toBeUndefined();
    expect((b.messages as Array<{ role: string }>).map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "system",
      "user",
    ]);
    expect((b.messages as unknown[])[2]).toStrictEqual({
      role: "system",
      content: [{ type: "text", text: "now in French" }],
    });
  });

  it("maps images (base64, URL, data URL) and documents (PDF inline and by URL, plain text, title)", () => {
    const b = body({
      messages: [
        user([
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", mediaType: "image/jpeg", url: "https://example.com/cat.jpg" },
          { type: "image", mediaType: "image/webp", url: "data:image/webp;base64,UklGRg==" },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "spec.pdf" },
          { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" },
          { type: "file", mediaType: "text/plain", data: btoa("héllo".replace(/é/, "e")) },
          { type: "text", text: "summarize", cache: true },
        ]),
      ],
    });
    expect((b.messages as Array<{ content: unknown }>)[0]!.content).toStrictEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "image", source: { type: "base64", media_type: "image/webp", data: "UklGRg==" } },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        title: "spec.pdf",
      },
      { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "hello" } },
      { type: "text", text: "summarize", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("decodes UTF-8 plain-text documents", () => {
    const data = btoa(String.fromCharCode(...new TextEncoder().encode("naïve ✓")));
    const b = body({ messages: [user([{ type: "file", mediaType: "text/plain", data }])] });
    expect((b.messages as any)[0].content[0].source.data).toBe("naïve ✓");
  });

  it("rejects media Anthropic cannot take, with a clear error", () => {
    expect(() =>
      body({ messages: [user([{ type: "image", mediaType: "image/tiff", data: "AA==" }])] }),
    ).toThrow(/image type "image\/tiff"/);
    expect(() =>
      body({ messages: [user([{ type: "file", mediaType: "audio/wav", data: "AA==" }])] }),
    ).toThrow(InvalidRequestError);
    expect(() => body({ messages: [user([{ type: "image", mediaType: "image/png" }])] })).toThrow(
      /neither data nor url/,
    );
    expect(() => body({ messages: [user("")] })).toThrow(/no content/);
    expect(() => body({ messages: [{ role: "system", content: "only system" }] })).toThrow(
      /at least one user/,
    );
  });

  it("sends assistant text, tool calls, signed thinking and redacted thinking back unchanged", () => {
    const b = body({
      messages: [
        user("weather?"),
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "Let me think", signature: "sig-abc==" },
            { type: "reasoning", text: "", redactedData: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
            { type: "reasoning", text: "from another provider" },
            { type: "text", text: "Checking." },
            { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } },
            {
              type: "tool-call",
              id: "toolu_2",
              name: "cut_off",
              arguments: undefined,
              rawArguments: '{"a":',
            },
          ],
        },
      ],
    });
    expect((b.messages as any)[1]).toStrictEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Let me think", signature: "sig-abc==" },
        { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "cut_off", input: {} },
      ],
    });
  });

  it("turns tool messages into a user turn of tool_result blocks, first, merged with the next user message", () => {
    const b = body({
      messages: [
        user("go"),
        { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "a", arguments: {} }] },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "t1", name: "a", result: { temp: 21 } },
            { type: "tool-result", toolCallId: "t2", name: "b", result: "boom", isError: true },
          ],
        },
        user("and then?"),
        user("please"),
      ],
    });
    expect(b.messages).toStrictEqual([
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "a", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: '{"temp":21}' },
          { type: "tool_result", tool_use_id: "t2", content: "boom", is_error: true },
          { type: "text", text: "and then?" },
          { type: "text", text: "please" },
        ],
      },
    ]);
  });
});

describe("toAnthropicRequest: tools", () => {
  const tools = [
    { name: "a", description: "A tool", inputSchema: { type: "object", properties: {} }, strict: true },
    { name: "b", inputSchema: { type: "object" } },
  ];

  it("maps definitions and every tool choice", () => {
    expect(body({ tools, toolChoice: "auto" })).toMatchObject({
      tools: [
        { name: "a", description: "A tool", input_schema: { type: "object", properties: {} }, strict: true },
        { name: "b", input_schema: { type: "object" } },
      ],
      tool_choice: { type: "auto" },
    });
    expect(body({ tools, toolChoice: "required" }).tool_choice).toStrictEqual({ type: "any" });
    expect(body({ tools, toolChoice: "none" }).tool_choice).toStrictEqual({ type: "none" });
    expect(body({ tools, toolChoice: { type: "tool", name: "b" } }).tool_choice).toStrictEqual({
      type: "tool",
      name: "b",
    });
    expect(body({ tools }).tool_choice).toBeUndefined();
  });

  it("puts cache breakpoints on tools when providerOptions ask, and never sends Keel's keys", () => {
    const last = body({ tools, providerOptions: { anthropic: { cacheTools: true, cacheTtl: "1h" } } });
    expect(last.tools).toStrictEqual([
      { name: "a", description: "A tool", input_schema: { type: "object", properties: {} }, strict: true },
      { name: "b", input_schema: { type: "object" }, cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(last).not.toHaveProperty("cacheTools");
    expect(last).not.toHaveProperty("cacheTtl");
    const named = body({ tools, providerOptions: { anthropic: { cacheTools: ["a"] } } });
    expect((named.tools as any[]).map((t) => t.cache_control)).toEqual([{ type: "ephemeral" }, undefined]);
    expect(() => body({ tools, providerOptions: { anthropic: { cacheTools: ["zzz"] } } })).toThrow(
      /unknown tools: zzz/,
    );
    expect(() => body({ providerOptions: { anthropic: { cacheTools: true } } })).toThrow(/no tools/);
    expect(() => body({ providerOptions: { anthropic: { cacheTtl: "2h" } } })).toThrow(/cacheTtl/);
  });
});

describe("toAnthropicRequest: thinking", () => {
  it("sends an explicit budget as enabled thinking and adds it to max_tokens", () => {
    expect(body({ maxOutputTokens: 1000, reasoning: { budgetTokens: 2048 } })).toMatchObject({
      max_tokens: 3048,
      thinking: { type: "enabled", budget_tokens: 2048 },
    });
  });

  it("maps effort to adaptive thinking with output_config.effort on Claude 4.6 and later", () => {
    const b = body({ reasoning: { effort: "minimal" } }, {}, "claude-opus-4-7");
    expect(b).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "low" },
      max_tokens: 8192,
    });
    expect(body({ reasoning: { effort: "high" } }, {}, "claude-fable-5").output_config).toStrictEqual({
      effort: "high",
    });
  });

  it("maps effort to a documented budget on older thinking models", () => {
    const b = body(
      { maxOutputTokens: 500, reasoning: { effort: "medium" } },
      {},
      "claude-3-7-sonnet-20250219",
    );
    expect(b).toMatchObject({ thinking: { type: "enabled", budget_tokens: 8192 }, max_tokens: 8692 });
    expect(b).not.toHaveProperty("output_config");
  });

  it("fails on models without thinking unless told to drop it", () => {
    expect(() => body({ reasoning: { effort: "low" } }, {}, "claude-3-5-haiku-20241022")).toThrow(
      /no extended thinking/,
    );
    const dropped = body(
      { reasoning: { effort: "low" } },
      { dropUnsupported: ["reasoning"] },
      "claude-3-5-haiku-20241022",
    );
    expect(dropped).not.toHaveProperty("thinking");
  });
});

describe("toAnthropicRequest: JSON output", () => {
  const schema = {
    type: "object",
    properties: { a: { type: "number" } },
    required: ["a"],
    additionalProperties: false,
  };

  it("uses output_config.format natively on Claude 4.5 and later", () => {
    const plan = build(
      { responseFormat: { type: "json", schema }, reasoning: { effort: "high" } },
      {},
      "claude-opus-4-6",
    );
    expect(plan.body.output_config).toStrictEqual({
      format: { type: "json_schema", schema },
      effort: "high",
    });
    expect(plan.jsonToolName).toBeUndefined();
  });

  it("forces a tool on older models (or when asked) and says which tool holds the answer", () => {
    const plan = build(
      { responseFormat: { type: "json", schema, name: "answer" } },
      {},
      "claude-3-5-sonnet-20241022",
    );
    expect(plan.jsonToolName).toBe("answer");
    expect(plan.body).toMatchObject({
      tools: [{ name: "answer", input_schema: schema }],
      tool_choice: { type: "tool", name: "answer" },
    });
    expect(
      build({ responseFormat: { type: "json", schema } }, { structuredOutput: "tool" }).jsonToolName,
    ).toBe("json");
    // Without a schema there is no native format: a tool that takes any object.
    const loose = build({ responseFormat: { type: "json" } });
    expect(loose.body.tools).toMatchObject([{ name: "json", input_schema: { type: "object" } }]);
  });

  it("refuses forced-tool JSON together with tools or thinking", () => {
    const format = { type: "json" as const, schema };
    expect(() =>
      build(
        { responseFormat: format, tools: [{ name: "x", inputSchema: {} }] },
        { structuredOutput: "tool" },
      ),
    ).toThrow(/cannot be combined with tools/);
    expect(() =>
      build({ responseFormat: format, reasoning: { budgetTokens: 1024 } }, { structuredOutput: "tool" }),
    ).toThrow(/forced tool use with thinking/);
  });
});

describe("toAnthropicRequest: sampling, stop and pass-through", () => {
  it("sends stop sequences; rejects sampling on API 2026-10-21 unless dropped; sends it on 2023-06-01", () => {
    expect(body({ stop: ["END"] }).stop_sequences).toEqual(["END"]);
    expect(body({ stop: [] })).not.toHaveProperty("stop_sequences");
    expect(() => body({ temperature: 0.2 })).toThrow(/`temperature`: API version 2026-10-21 rejects it/);
    expect(
      body({ temperature: 0.2, topK: 5 }, { dropUnsupported: ["temperature", "topK"] }),
    ).not.toHaveProperty("temperature");
    expect(body({ temperature: 0.2, topP: 0.9, topK: 5 }, { apiVersion: "2023-06-01" })).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
    });
  });

  it("rejects options the Messages API never had", () => {
    expect(() => body({ seed: 1 })).toThrow(/`seed`/);
    expect(() => body({ frequencyPenalty: 1 })).toThrow(/`frequencyPenalty`/);
    expect(() => body({ presencePenalty: 1 })).toThrow(InvalidRequestError);
    expect(body({ seed: 1 }, { dropUnsupported: ["seed"] })).not.toHaveProperty("seed");
  });

  it("spreads providerOptions.anthropic last, without undefined values, and ignores other providers'", () => {
    const b = body({
      maxOutputTokens: 10,
      providerOptions: {
        anthropic: { max_tokens: 99, service_tier: "auto", metadata: { user_id: "u1" }, speed: undefined },
        openai: { user: "x" },
      },
    });
    expect(b).toMatchObject({ max_tokens: 99, service_tier: "auto", metadata: { user_id: "u1" } });
    expect(b).not.toHaveProperty("speed");
    expect(b).not.toHaveProperty("user");
  });

  it("marks stream requests", () => {
    const context: AnthropicRequestContext = {
      modelId: "m",
      traits: anthropicModelTraits("m"),
      settings: {},
    };
    expect(toAnthropicRequest({ messages: [user("x")] }, context, true).body.stream).toBe(true);
  });
});
