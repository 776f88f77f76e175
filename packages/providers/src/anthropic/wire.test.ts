// What the adapter puts on the wire, checked where the bytes land: the wire test server.
// Bodies are compared whole and checked against the documented Messages API shape.
import Anthropic from "@anthropic-ai/sdk";
import { type Message, type ModelRequest, OutputParseError } from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { anthropic } from "./index.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const MODEL = "claude-sonnet-4-6";
const model = (settings: Parameters<typeof anthropic>[1] = {}, id = MODEL) =>
  anthropic(id, { baseURL: server.anthropicBaseURL, apiKey: "test", ...settings });

// Field names per object kind, from the Messages API reference as typed in @anthropic-ai/sdk 1.14
// (MessageCreateParamsBase and the *BlockParam / Tool / ToolChoice / ThinkingConfig types).
const REQUEST_KEYS = [
  "model",
  "max_tokens",
  "messages",
  "system",
  "cache_control",
  "container",
  "diagnostics",
  "inference_geo",
  "metadata",
  "output_config",
  "service_tier",
  "speed",
  "stop_sequences",
  "stream",
  "thinking",
  "tool_choice",
  "tools",
];
// API version 2023-06-01 still documents the sampling parameters.
const SAMPLING_KEYS = ["temperature", "top_p", "top_k"];
const BLOCK_KEYS: Record<string, string[]> = {
  text: ["type", "text", "cache_control", "citations"],
  image: ["type", "source", "cache_control", "transformations"],
  document: ["type", "source", "cache_control", "citations", "context", "title"],
  tool_use: ["type", "id", "name", "input", "cache_control", "caller", "toolset_name"],
  tool_result: ["type", "tool_use_id", "content", "is_error", "cache_control", "toolset_name"],
  thinking: ["type", "thinking", "signature"],
  redacted_thinking: ["type", "data"],
};
const SOURCE_KEYS: Record<string, string[]> = {
  base64: ["type", "media_type", "data"],
  url: ["type", "url"],
  text: ["type", "media_type", "data"],
};
const TOOL_KEYS = [
  "name",
  "description",
  "input_schema",
  "cache_control",
  "strict",
  "type",
  "allowed_callers",
  "defer_loading",
  "eager_input_streaming",
  "input_examples",
];

/** Everything in a request body that the documented Messages API shape does not allow. */
function shapeViolations(body: any, apiVersion = "2026-10-21"): string[] {
  const out: string[] = [];
  const allowed = apiVersion < "2026-10-21" ? [...REQUEST_KEYS, ...SAMPLING_KEYS] : REQUEST_KEYS;
  const check = (where: string, value: any, keys: string[]) => {
    for (const key of Object.keys(value ?? {})) if (!keys.includes(key)) out.push(`${where}.${key}`);
  };
  const checkCache = (where: string, block: any) => {
    if (block.cache_control !== undefined)
      check(`${where}.cache_control`, block.cache_control, ["type", "ttl"]);
  };
  const checkBlock = (where: string, block: any) => {
    const keys = BLOCK_KEYS[block.type];
    if (!keys) {
      out.push(`${where}: unknown block type ${block.type}`);
      return;
    }
    check(where, block, keys);
    checkCache(where, block);
    if (block.source) check(`${where}.source`, block.source, SOURCE_KEYS[block.source.type] ?? []);
  };
  for (const required of ["model", "max_tokens", "messages"])
    if (!(required in body)) out.push(`missing ${required}`);
  check("body", body, allowed);
  if (Array.isArray(body.system))
    body.system.forEach((b: any, i: number) => {
      checkBlock(`system[${i}]`, b);
    });
  body.messages?.forEach((m: any, i: number) => {
    check(`messages[${i}]`, m, ["role", "content"]);
    if (!["user", "assistant", "system"].includes(m.role)) out.push(`messages[${i}].role ${m.role}`);
    if (i > 0 && body.messages[i - 1].role === m.role) out.push(`messages[${i}] repeats role ${m.role}`);
    if (Array.isArray(m.content))
      m.content.forEach((b: any, j: number) => {
        checkBlock(`messages[${i}][${j}]`, b);
      });
  });
  body.tools?.forEach((t: any, i: number) => {
    check(`tools[${i}]`, t, TOOL_KEYS);
    checkCache(`tools[${i}]`, t);
  });
  if (body.tool_choice) check("tool_choice", body.tool_choice, ["type", "name", "disable_parallel_tool_use"]);
  if (body.thinking) check("thinking", body.thinking, ["type", "budget_tokens", "display"]);
  if (body.output_config) check("output_config", body.output_config, ["effort", "format"]);
  if (body.output_config?.format)
    check("output_config.format", body.output_config.format, ["type", "schema"]);
  if (body.metadata) check("metadata", body.metadata, ["user_id"]);
  return out;
}

const SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";
const weather = {
  name: "get_weather",
  description: "Weather for a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const conversation: Message[] = [
  { role: "system", content: "You are terse." },
  { role: "system", content: [{ type: "text", text: "Long reference text", cache: true }] },
  {
    role: "user",
    content: [
      { type: "text", text: "What is in these?" },
      { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
      {
        type: "file",
        mediaType: "application/pdf",
        url: "https://example.com/report.pdf",
        filename: "report.pdf",
      },
    ],
  },
  {
    role: "assistant",
    content: [
      { type: "reasoning", text: "Need the weather.", signature: SIGNATURE },
      { type: "reasoning", text: "", redactedData: "EmwKAhgBEgy3va3pzix" },
      { type: "text", text: "Let me check." },
      { type: "tool-call", id: "toolu_01", name: "get_weather", arguments: { city: "Paris" } },
    ],
  },
  {
    role: "tool",
    content: [{ type: "tool-result", toolCallId: "toolu_01", name: "get_weather", result: "18C, sunny" }],
  },
  { role: "user", content: "Thanks. Anything else?" },
];
const fullRequest: ModelRequest = {
  messages: conversation,
  tools: [weather],
  toolChoice: "auto",
  reasoning: { budgetTokens: 2048 },
  stop: ["###"],
  maxOutputTokens: 1000,
  providerOptions: { anthropic: { cacheTools: true, service_tier: "auto", metadata: { user_id: "u-42" } } },
};
const fullBody = {
  model: MODEL,
  max_tokens: 3048,
  system: [
    { type: "text", text: "You are terse." },
    { type: "text", text: "Long reference text", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        {
          type: "document",
          source: { type: "url", url: "https://example.com/report.pdf" },
          title: "report.pdf",
        },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need the weather.", signature: SIGNATURE },
        { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" },
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01", content: "18C, sunny" },
        { type: "text", text: "Thanks. Anything else?" },
      ],
    },
  ],
  tools: [
    {
      name: "get_weather",
      description: "Weather for a city",
      input_schema: weather.inputSchema,
      cache_control: { type: "ephemeral" },
    },
  ],
  tool_choice: { type: "auto" },
  thinking: { type: "enabled", budget_tokens: 2048 },
  stop_sequences: ["###"],
  service_tier: "auto",
  metadata: { user_id: "u-42" },
};

describe("request bodies on the wire", () => {
  it("(the shape check itself flags unknown keys, undocumented blocks and repeated roles)", () => {
    const bad = {
      model: "m",
      max_tokens: 1,
      temperature: 1,
      messages: [
        { role: "user", content: [{ type: "text", text: "a", cache: true }] },
        { role: "user", content: [{ type: "reasoning", text: "b" }] },
      ],
    };
    expect(shapeViolations(bad)).toEqual([
      "body.temperature",
      "messages[0][0].cache",
      "messages[1] repeats role user",
      "messages[1][0]: unknown block type reasoning",
    ]);
  });

  it("generate sends every mapped feature in the documented shape, nothing more", async () => {
    server.enqueue({ text: "ok" });
    await model({ headers: { "x-team": "search" } }).generate(fullRequest, { headers: { "x-call": "1" } });
    const [req] = server.requests;
    expect(req!.path).toBe("/v1/messages");
    expect(req!.body).toStrictEqual(fullBody);
    expect(shapeViolations(req!.body)).toEqual([]);
    expect(req!.headers).toMatchObject({
      "anthropic-version": "2026-10-21",
      authorization: "Bearer test",
      "x-stainless-retry-count": "0",
      "x-team": "search",
      "x-call": "1",
    });
  });

  it("stream sends the same body with stream: true", async () => {
    server.enqueue({ text: "ok" });
    await model().stream(fullRequest).response;
    expect(server.requests[0]!.body).toStrictEqual({ ...fullBody, stream: true });
    expect(server.requests[0]!.stream).toBe(true);
  });

  it("sends temperature, top_p and top_k under API version 2023-06-01", async () => {
    server.enqueue({ text: "ok" });
    await model({ apiVersion: "2023-06-01" }).generate({
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.3,
      topP: 0.8,
      topK: 40,
    });
    const req = server.requests[0]!;
    expect(req.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req.body).toStrictEqual({
      model: MODEL,
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      temperature: 0.3,
      top_p: 0.8,
      top_k: 40,
    });
    expect(shapeViolations(req.body, "2023-06-01")).toEqual([]);
  });

  it("sends native JSON output with adaptive thinking and effort on a 4.7 model", async () => {
    const schema = {
      type: "object",
      properties: { n: { type: "integer" } },
      required: ["n"],
      additionalProperties: false,
    };
    server.enqueue({ text: '{"n":3}' });
    const r = await model({}, "claude-opus-4-7").generate({
      messages: [{ role: "user", content: "count" }],
      responseFormat: { type: "json", schema },
      reasoning: { effort: "medium" },
    });
    expect(r.text).toBe('{"n":3}');
    const body = server.requests[0]!.body;
    expect(body).toStrictEqual({
      model: "claude-opus-4-7",
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "count" }] }],
      thinking: { type: "adaptive" },
      output_config: { format: { type: "json_schema", schema }, effort: "medium" },
    });
    expect(shapeViolations(body)).toEqual([]);
  });

  it("returns a forced JSON tool's input as the answer text (generate)", async () => {
    server.enqueue({
      text: "",
      toolCalls: [{ id: "toolu_j", name: "json", arguments: { n: 3 } }],
      finishReason: "tool-calls",
    });
    const r = await model({ structuredOutput: "tool" }).generate({
      messages: [{ role: "user", content: "count" }],
      responseFormat: { type: "json", schema: { type: "object" } },
    });
    expect(r.text).toBe('{"n":3}');
    expect(r.toolCalls).toEqual([]);
    expect(r.finishReason).toBe("stop");
    const body = server.requests[0]!.body;
    expect(body.tool_choice).toEqual({ type: "tool", name: "json" });
    expect(shapeViolations(body)).toEqual([]);
  });

  it("takes the request id from the request-id header", async () => {
    server.enqueue({ text: "ok" }, { text: "ok" });
    expect((await model().generate({ messages: [{ role: "user", content: "a" }] })).requestId).toMatch(
      /^req_keel/,
    );
    expect((await model().stream({ messages: [{ role: "user", content: "a" }] }).response).requestId).toMatch(
      /^req_keel/,
    );
  });
});

describe("streams and generate agree on the same message", () => {
  const sse = (events: Array<Record<string, unknown>>) => ({
    status: 200,
    headers: { "content-type": "text/event-stream" },
    body: events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
  });
  // A message as programmatic tool calling returns it: code execution called a client tool, so the
  // answer waits on that tool (stop_reason tool_use), and a stream sends the blocks in message_start.
  const message = {
    id: "msg_01PTC",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [
      { type: "text", text: "I'll query the sales data." },
      {
        type: "server_tool_use",
        id: "srvtoolu_01Xa9",
        name: "code_execution",
        input: { code: "rows = await query_database(sql)" },
      },
      {
        type: "tool_use",
        id: "toolu_01Hb4kQz",
        name: "query_database",
        input: { sql: "SELECT 1" },
        caller: { type: "code_execution_20250825", tool_id: "srvtoolu_01Xa9" },
      },
    ],
    container: { id: "container_011CV", expires_at: "2025-11-20T14:30:00Z" },
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 1520, output_tokens: 190 },
  };
  const ask = { messages: [{ role: "user" as const, content: "revenue by region?" }] };

  it("content and stop_reason carried by message_start (programmatic tool calling)", async () => {
    server.enqueue(
      { status: 200, json: message },
      sse([
        { type: "message_start", message },
        {
          type: "message_delta",
          delta: { stop_reason: null, stop_sequence: null },
          usage: { output_tokens: 190 },
        },
        { type: "message_stop" },
      ]),
    );
    const generated = await model().generate(ask);
    const streamed = await model().stream(ask).response;
    for (const r of [generated, streamed]) {
      expect(r.text).toBe("I'll query the sales data.");
      expect(r.toolCalls).toEqual([
        expect.objectContaining({
          id: "toolu_01Hb4kQz",
          name: "query_database",
          arguments: { sql: "SELECT 1" },
        }),
      ]);
      expect(r.finishReason).toBe("tool-calls");
      expect(r.rawFinishReason).toBe("tool_use");
      expect(r.model.served).toBe("claude-sonnet-4-5-20250929");
    }
  });

  it("a second message_start inside one message fails the stream with OutputParseError", async () => {
    const empty = { ...message, content: [], stop_reason: null };
    server.enqueue(
      sse([
        { type: "message_start", message: empty },
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "first" } },
        { type: "content_block_stop", index: 0 },
        { type: "message_start", message: { ...empty, id: "msg_02" } },
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "second" } },
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } },
        { type: "message_stop" },
      ]),
    );
    const stream = model().stream(ask);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) if (event.type === "text-delta") seen.push(event.text);
      })(),
    ).rejects.toBeInstanceOf(OutputParseError);
    await expect(stream.response).rejects.toBeInstanceOf(OutputParseError);
    expect(seen).toEqual(["first"]);
  });
});

describe("multi-turn reasoning", () => {
  it("sends turn 1's thinking back verbatim, signature included (messages-stream-thinking.chunks.jsonl)", async () => {
    server.enqueue({ fixture: "anthropic/messages-stream-thinking.chunks.jsonl" }, { text: "done" });
    const m = model();
    const first: Message[] = [{ role: "user", content: "Divide the result by 5" }];
    const turn1 = await m.stream({ messages: first, reasoning: { budgetTokens: 1024 } }).response;
    await m.generate({
      messages: [
        ...first,
        { role: "assistant", content: turn1.content },
        { role: "user", content: "Thanks" },
      ],
      reasoning: { budgetTokens: 1024 },
    });
    const sent = server.requests[1]!.body.messages[1];
    expect(sent).toStrictEqual({
      role: "assistant",
      content: [
        {
          type: "thinking",
          thinking: "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
          signature:
            "EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB",
        },
        { type: "text", text: "925 ÷ 5 = 185" },
      ],
    });
    expect(shapeViolations(server.requests[1]!.body)).toEqual([]);
  });

  it("keeps consecutive redacted and signed thinking blocks apart and sends each back unchanged", async () => {
    const events = [
      {
        type: "message_start",
        message: { id: "msg_r", model: MODEL, usage: { input_tokens: 3, output_tokens: 1 } },
      },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "redacted_thinking", data: "RED-ONE" },
      },
      { type: "content_block_stop", index: 0 },
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "redacted_thinking", data: "RED-TWO" },
      },
      { type: "content_block_stop", index: 1 },
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "thinking", thinking: "", signature: "" },
      },
      { type: "content_block_delta", index: 2, delta: { type: "thinking_delta", thinking: "plain" } },
      { type: "content_block_delta", index: 2, delta: { type: "signature_delta", signature: "SIG-3" } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 3, delta: { type: "text_delta", text: "answer" } },
      { type: "content_block_stop", index: 3 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ];
    server.enqueue(
      {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
      },
      { text: "ok" },
    );
    const m = model();
    const turn1 = await m.stream({ messages: [{ role: "user", content: "q" }] }).response;
    expect(turn1.content).toEqual([
      { type: "reasoning", text: "", redactedData: "RED-ONE" },
      { type: "reasoning", text: "", redactedData: "RED-TWO" },
      { type: "reasoning", text: "plain", signature: "SIG-3" },
      { type: "text", text: "answer" },
    ]);
    await m.generate({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: turn1.content },
        { role: "user", content: "more" },
      ],
    });
    expect(server.requests[1]!.body.messages[1].content).toStrictEqual([
      { type: "redacted_thinking", data: "RED-ONE" },
      { type: "redacted_thinking", data: "RED-TWO" },
      { type: "thinking", thinking: "plain", signature: "SIG-3" },
      { type: "text", text: "answer" },
    ]);
  });
});

describe("retries belong to Keel", () => {
  it("sends exactly one request on a 529, even with a prebuilt client that would retry", async () => {
    const client = new Anthropic({ baseURL: server.anthropicBaseURL, apiKey: "test", maxRetries: 3 });
    server.enqueue({ fault: "overloaded" });
    await expect(
      anthropic(MODEL, { client }).generate({ messages: [{ role: "user", content: "a" }] }),
    ).rejects.toMatchObject({
      code: "overloaded",
      status: 529,
    });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses connection settings next to a prebuilt client", () => {
    const client = new Anthropic({ baseURL: server.anthropicBaseURL, apiKey: "test" });
    expect(() => anthropic(MODEL, { client, apiKey: "other" })).toThrow(/apiKey cannot be combined/);
  });
});
