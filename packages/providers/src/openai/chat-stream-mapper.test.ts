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
