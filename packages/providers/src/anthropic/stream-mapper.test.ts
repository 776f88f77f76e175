import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "@anthropic-ai/sdk";
import {
  AbortedError,
  InvalidRequestError,
  KeelError,
  NetworkError,
  OutputParseError,
  ProviderUnavailableError,
  RateLimitedError,
  type StreamEvent,
  TimeoutError,
} from "@keel/core";
import { describe, expect, it } from "vitest";
import { toAnthropicKeelError } from "./errors.js";
import { anthropicModelTraits, anthropicModelVersion } from "./model-traits.js";
import { AnthropicStreamMapper } from "./stream-mapper.js";

const start = (usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }) => ({
  type: "message_start",
  message: { id: "msg_1", model: "claude-x", usage },
});

function run(events: unknown[], options = {}) {
  const mapper = new AnthropicStreamMapper(options);
  const out: StreamEvent[] = events.flatMap((e) => mapper.map(e));
  return { mapper, out };
}

describe("AnthropicStreamMapper", () => {
  it("maps refusal with its explanation, and counts cache and thinking tokens", () => {
    const { out, mapper } = run([
      start({
        input_tokens: 10,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 50,
        output_tokens: 1,
      }),
      {
        type: "message_delta",
        delta: {
          stop_reason: "refusal",
          stop_details: { type: "refusal", category: "cyber", explanation: "Not this." },
        },
        usage: { output_tokens: 7, output_tokens_details: { thinking_tokens: 4 } },
      },
      { type: "message_stop" },
    ]);
    expect(mapper.finished).toBe(true);
    expect(out.slice(-2)).toEqual([
      {
        type: "usage",
        usage: {
          inputTokens: 160,
          outputTokens: 7,
          totalTokens: 167,
          cachedInputTokens: 100,
          cacheWriteTokens: 50,
          reasoningTokens: 4,
        },
      },
      {
        type: "finish",
        finishReason: "content-filter",
        rawFinishReason: "refusal",
        refusal: "Not this.",
        raw: expect.objectContaining({ type: "message_delta" }),
      },
    ]);
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool-calls"],
    ["pause_turn", "other"],
    ["something_new", "other"],
  ])("stop_reason %s → %s", (stopReason, finishReason) => {
    const { out } = run([
      start(),
      { type: "message_delta", delta: { stop_reason: stopReason } },
      { type: "message_stop" },
    ]);
    expect(out.at(-1)).toMatchObject({ type: "finish", finishReason, rawFinishReason: stopReason });
  });

  it("ignores pings, citations, unknown events and block types, and anything after message_stop", () => {
    const { out, mapper } = run([
      start(),
      { type: "ping" },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "server_tool_use", id: "s", name: "web_search" },
      },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"q":1}' } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "hi" } },
      { type: "brand_new_event", index: 1 },
      { type: "message_stop" },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "late" } },
    ]);
    expect(out.filter((e) => e.type === "text-delta")).toEqual([{ type: "text-delta", text: "hi" }]);
    expect(mapper.content()).toEqual([{ type: "text", text: "hi" }]);
  });

  it("uses a tool's start input when no input deltas arrive", () => {
    const { out } = run([
      start(),
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "n", input: { a: 1 } },
      },
      { type: "content_block_stop", index: 0 },
    ]);
    expect(out.at(-1)).toEqual({
      type: "tool-call",
      call: { type: "tool-call", id: "t", name: "n", arguments: { a: 1 }, rawArguments: "" },
    });
  });

  it("maps content that arrives whole in message_start (programmatic tool calling) and its stop_reason", () => {
    // When code execution calls a client tool, the stream's message_start already holds the
    // blocks and stop_reason tool_use; message_delta brings only usage. The call was lost and the
    // answer finished as "other", while generate on the same message was right.
    const toolUse = {
      type: "tool_use",
      id: "toolu_01Hb4kQz",
      name: "query_database",
      input: { sql: "SELECT region, SUM(revenue) FROM sales GROUP BY region" },
      caller: { type: "code_execution_20250825", tool_id: "srvtoolu_01Xa9" },
    };
    const { out, mapper } = run([
      {
        type: "message_start",
        message: {
          id: "msg_01PTC",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [
            { type: "thinking", thinking: "Query first.", signature: "EqQBCkYI" },
            { type: "text", text: "I'll query the sales data." },
            {
              type: "server_tool_use",
              id: "srvtoolu_01Xa9",
              name: "code_execution",
              input: { code: "rows = await query_database(sql)" },
            },
            toolUse,
          ],
          container: { id: "container_011CV", expires_at: "2025-11-20T14:30:00Z" },
          stop_reason: "tool_use",
          stop_sequence: null,
          usage: { input_tokens: 1520, output_tokens: 190 },
        },
      },
      {
        type: "message_delta",
        delta: { stop_reason: null, stop_sequence: null },
        usage: { output_tokens: 190 },
      },
      { type: "message_stop" },
    ]);
    const call = {
      type: "tool-call",
      id: "toolu_01Hb4kQz",
      name: "query_database",
      arguments: toolUse.input,
      rawArguments: JSON.stringify(toolUse.input),
    };
    expect(out.filter((e) => e.type === "tool-call")).toEqual([{ type: "tool-call", call }]);
    expect(out.filter((e) => e.type === "text-delta")).toEqual([
      { type: "text-delta", text: "I'll query the sales data." },
    ]);
    expect(out.filter((e) => e.type === "reasoning-delta")).toEqual([
      { type: "reasoning-delta", text: "Query first.", signature: "EqQBCkYI" },
    ]);
    expect(out.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "tool-calls",
      rawFinishReason: "tool_use",
    });
    expect(mapper.content()).toEqual([
      { type: "reasoning", text: "Query first.", signature: "EqQBCkYI" },
      { type: "text", text: "I'll query the sales data." },
      call,
    ]);
  });

  it("returns a forced JSON tool's input that arrives whole in message_start as the answer text", () => {
    const { out, mapper } = run(
      [
        {
          type: "message_start",
          message: {
            id: "msg_1",
            model: "claude-x",
            content: [{ type: "tool_use", id: "t", name: "json", input: { city: "Oslo" } }],
            stop_reason: "tool_use",
            usage: { input_tokens: 5, output_tokens: 3 },
          },
        },
        { type: "message_stop" },
      ],
      { jsonToolName: "json" },
    );
    expect(mapper.content()).toEqual([{ type: "text", text: '{"city":"Oslo"}' }]);
    expect(out.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
  });

  it("refuses a second message_start inside one message as a retryable protocol error", () => {
    // Blocks of the second message restart at index 0: the streamed events and the final
    // response would disagree. The stream fails instead.
    const mapper = new AnthropicStreamMapper();
    mapper.map(start());
    mapper.map({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    mapper.map({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "first" } });
    mapper.map({ type: "content_block_stop", index: 0 });
    let error: unknown;
    try {
      mapper.map({ ...start(), message: { ...start().message, id: "msg_2" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error).toMatchObject({ retryable: true, provider: "anthropic", message: /second message_start/ });
  });

  it("throws the typed error of an error event that arrives as data", () => {
    const mapper = new AnthropicStreamMapper();
    expect(() =>
      mapper.map({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }),
    ).toThrow(RateLimitedError);
  });
});

describe("toAnthropicKeelError", () => {
  it("maps SDK transport errors and passes Keel errors through", () => {
    expect(toAnthropicKeelError(new APIUserAbortError())).toBeInstanceOf(AbortedError);
    expect(toAnthropicKeelError(new APIConnectionTimeoutError())).toBeInstanceOf(TimeoutError);
    expect(toAnthropicKeelError(new APIConnectionError({ message: "ECONNREFUSED" }))).toBeInstanceOf(
      NetworkError,
    );
    expect(toAnthropicKeelError(new SyntaxError("Unexpected end of JSON input"))).toBeInstanceOf(
      OutputParseError,
    );
    const own = new InvalidRequestError("x");
    expect(toAnthropicKeelError(own)).toBe(own);
  });

  it("lets a fired signal's reason win over what the SDK threw", () => {
    const controller = new AbortController();
    controller.abort(new TimeoutError("deadline passed"));
    expect(toAnthropicKeelError(new APIUserAbortError(), controller.signal)).toBeInstanceOf(TimeoutError);
  });

  it("explains the SDK's refusal of long non-streamed calls, and maps an unknown in-stream error type as unavailable", () => {
    const long = toAnthropicKeelError(
      new Error("Streaming is required for operations that may take longer than 10 minutes."),
    );
    expect(long).toBeInstanceOf(InvalidRequestError);
    expect(long.message).toMatch(/lower maxOutputTokens/);
    expect(toAnthropicKeelError({ type: "brand_new_error", message: "?" })).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(toAnthropicKeelError("weird")).toBeInstanceOf(KeelError);
  });
});

describe("anthropicModelTraits", () => {
  it.each([
    ["claude-3-haiku-20240307", 3],
    ["claude-3-5-sonnet-20241022", 3.5],
    ["claude-3-7-sonnet-20250219", 3.7],
    ["claude-sonnet-4-20250514", 4],
    ["claude-opus-4-1@20250805", 4.1],
    ["anthropic.claude-haiku-4-5-20251001-v1:0", 4.5],
    ["claude-opus-4-7", 4.7],
    ["claude-sonnet-5-5", 5.5],
  ])("reads %s as version %d", (id, version) => {
    expect(anthropicModelVersion(id)).toBeCloseTo(version);
  });

  it("gives unknown and codename models the newest traits", () => {
    expect(anthropicModelVersion("claude-mythos-preview")).toBe(Number.POSITIVE_INFINITY);
    expect(anthropicModelTraits("claude-fable-5")).toEqual({
      defaultMaxTokens: 8192,
      thinking: true,
      adaptiveThinking: true,
      nativeStructuredOutput: true,
    });
    expect(anthropicModelTraits("claude-3-haiku-20240307")).toEqual({
      defaultMaxTokens: 4096,
      thinking: false,
      adaptiveThinking: false,
      nativeStructuredOutput: false,
    });
  });
});
