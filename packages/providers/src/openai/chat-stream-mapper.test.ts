import { NetworkError, OutputParseError, type StreamEvent } from "@keel/core";
import { ResponseAccumulator } from "@keel/core/provider";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import type { ChatDialect } from "./chat-dialect.js";
import { ChatStreamMapper, chatCompletionEvents, chatFinishReason } from "./chat-stream-mapper.js";

type Choice = ChatCompletionChunk.Choice;
const chunk = (
  choices: Array<Partial<Choice> & { index: number }>,
  extra: Partial<ChatCompletionChunk> = {},
) =>
  ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-x",
    choices: choices.map((c) => ({ delta: {}, finish_reason: null, ...c })),
    ...extra,
  }) as ChatCompletionChunk;

function run(chunks: ChatCompletionChunk[], requestId?: string, dialect?: ChatDialect) {
  const mapper = new ChatStreamMapper(requestId, dialect);
  const events: StreamEvent[] = [];
  for (const c of chunks) events.push(...mapper.chunk(c));
  events.push(...mapper.end());
  const acc = new ResponseAccumulator("openai", "gpt-x");
  for (const e of events) acc.add(e);
  return { events, response: acc.finish() };
}

describe("ChatStreamMapper", () => {
  it("takes the served model and id from the first chunk that has them (Azure's first chunk has neither)", () => {
    // Azure OpenAI opens a stream with the prompt's content-filter results: id, model and object are
    // empty strings and choices is empty. Reading metadata from that chunk alone lost the served
    // model (cost, telemetry) and the request id.
    const sse = [
      '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}',
      '{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1733917380,"id":"chatcmpl-AdNx4cG7xJ0qD9","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_04751d0b65"}',
      '{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hello"},"finish_reason":null,"index":0,"logprobs":null}],"created":1733917380,"id":"chatcmpl-AdNx4cG7xJ0qD9","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_04751d0b65"}',
      '{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1733917380,"id":"chatcmpl-AdNx4cG7xJ0qD9","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_04751d0b65"}',
      '{"choices":[],"created":1733917380,"id":"chatcmpl-AdNx4cG7xJ0qD9","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_04751d0b65","usage":{"completion_tokens":2,"prompt_tokens":9,"total_tokens":11}}',
    ].map((line) => JSON.parse(line) as ChatCompletionChunk);
    const { response, events } = run(sse);
    expect(response.text).toBe("Hello");
    expect(response.model.served).toBe("gpt-4o-2024-11-20");
    expect(response.requestId).toBe("chatcmpl-AdNx4cG7xJ0qD9");
    expect(events.filter((e) => e.type === "response-metadata")).toEqual([
      { type: "response-metadata", requestId: "chatcmpl-AdNx4cG7xJ0qD9", servedModel: "gpt-4o-2024-11-20" },
    ]);
    // With an x-request-id header the header stays the id, and it is known from the first chunk on.
    const withHeader = run(sse, "req_azure_1");
    expect(withHeader.response.requestId).toBe("req_azure_1");
    expect(withHeader.response.model.served).toBe("gpt-4o-2024-11-20");
    expect(withHeader.events[0]).toEqual({ type: "response-metadata", requestId: "req_azure_1" });
  });

  it("uses the chunk id when no x-request-id is known, and ignores choices other than 0 (n > 1)", () => {
    const { response } = run([
      chunk([
        { index: 0, delta: { content: "A" } },
        { index: 1, delta: { content: "B" } },
      ]),
      chunk([{ index: 1, delta: { content: "b" }, finish_reason: "stop" }]),
      chunk([{ index: 0, delta: { content: "a" }, finish_reason: "stop" }]),
    ]);
    expect(response.text).toBe("Aa");
    expect(response.requestId).toBe("chatcmpl-1");
    expect(response.model.served).toBe("gpt-x");
  });

  it("starts a new call when a server reuses index 0 with a new id, and names missing ids", () => {
    const { response, events } = run([
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"x":1}' } }] },
        },
      ]),
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "b", function: { name: "g", arguments: "{}" } }] },
        },
      ]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 3, function: { name: "h", arguments: "" } }] } }]),
      chunk([{ index: 0, finish_reason: "stop" }]),
    ]);
    expect(response.toolCalls.map((c) => [c.id, c.name, c.arguments])).toEqual([
      ["a", "f", { x: 1 }],
      ["b", "g", {}],
      ["call_2", "h", {}],
    ]);
    expect(
      events.filter((e) => e.type === "tool-call-delta").map((e) => (e as { index: number }).index),
    ).toEqual([0, 1, 2]);
    // Tool calls reported with "stop" (some OpenAI-compatible servers) still finish as tool-calls.
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("stop");
  });

  it("emits usage from the last chunk after the finish chunk, and finish last", () => {
    const { events } = run([
      chunk([{ index: 0, delta: { content: "hi" } }]),
      chunk([{ index: 0, finish_reason: "content_filter" }]),
      chunk([], { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }),
    ]);
    expect(events.map((e) => e.type)).toEqual(["response-metadata", "text-delta", "usage", "finish"]);
    expect(events.at(-1)).toMatchObject({
      finishReason: "content-filter",
      rawFinishReason: "content_filter",
    });
  });

  it("fails a stream that ends before its finish_reason, or sends nothing", () => {
    expect(() => run([chunk([{ index: 0, delta: { content: "cut" } }])])).toThrow(NetworkError);
    expect(() => run([])).toThrow(/without sending any chunk/);
  });
});

describe("ChatStreamMapper with a dialect", () => {
  const dialect: ChatDialect = {
    provider: "host",
    reasoningFields: ["reasoning_content", "reasoning"],
    inferMissingFinishReason: true,
  };
  const withDelta = (delta: Record<string, unknown>) => chunk([{ index: 0, delta } as never]);

  it("reads the first reasoning field present, so a server sending both spellings is read once", () => {
    const { events } = run(
      [withDelta({ reasoning_content: "a", reasoning: "a" }), withDelta({ reasoning: "b" }), withDelta({})],
      undefined,
      dialect,
    );
    expect(
      events.filter((e) => e.type === "reasoning-delta").map((e) => (e as { text: string }).text),
    ).toEqual(["a", "b"]);
  });

  it("ignores reasoning fields without a dialect (plain OpenAI)", () => {
    const { events } = run([
      withDelta({ reasoning_content: "x" }),
      chunk([{ index: 0, finish_reason: "stop" }]),
    ]);
    expect(events.some((e) => e.type === "reasoning-delta")).toBe(false);
  });

  it("takes tool arguments sent as an object, and infers the finish of a stream with no finish chunk", () => {
    const { response } = run(
      [withDelta({ tool_calls: [{ index: 0, id: "0", function: { name: "f", arguments: { a: 1 } } }] })],
      undefined,
      dialect,
    );
    expect(response.toolCalls[0]).toMatchObject({
      id: "0",
      name: "f",
      arguments: { a: 1 },
      rawArguments: '{"a":1}',
    });
    expect(response.finishReason).toBe("tool-calls");
    const text = run([withDelta({ content: "hi" })], undefined, dialect).response;
    expect(text.finishReason).toBe("other");
    expect(text.rawFinishReason).toBeUndefined();
  });

  it("names the host in errors", () => {
    expect(() => run([withDelta({ content: "cut" })], undefined, { provider: "host" })).toThrow(
      /the host stream ended before its finish_reason/,
    );
  });
});

describe("chatFinishReason", () => {
  it("maps OpenAI's values, legacy function_call and unknown ones", () => {
    expect(chatFinishReason("function_call", false, false)).toBe("tool-calls");
    expect(chatFinishReason("length", false, false)).toBe("length");
    expect(chatFinishReason("something_new", false, false)).toBe("other");
    expect(chatFinishReason("stop", false, true)).toBe("content-filter");
  });
});

describe("chatCompletionEvents", () => {
  it("rejects bodies that are not a chat.completion with choices", () => {
    expect(() => [...chatCompletionEvents("<html>" as unknown as ChatCompletion, undefined)]).toThrow(
      OutputParseError,
    );
    expect(() => [
      ...chatCompletionEvents({ id: "x", choices: [] } as unknown as ChatCompletion, undefined),
    ]).toThrow(/no choices/);
  });
});
