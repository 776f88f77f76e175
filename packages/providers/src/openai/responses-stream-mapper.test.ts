import { NetworkError, ProviderUnavailableError, RateLimitedError, type StreamEvent } from "@keel/core";
import { ResponseAccumulator } from "@keel/core/provider";
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { ResponsesStreamMapper, responseEvents } from "./responses-stream-mapper.js";

const response = (extra: Record<string, unknown> = {}) => ({
  id: "resp_1",
  model: "o4-mini-2025",
  status: "completed",
  output: [],
  incomplete_details: null,
  usage: {
    input_tokens: 10,
    output_tokens: 5,
    total_tokens: 15,
    output_tokens_details: { reasoning_tokens: 3 },
  },
  ...extra,
});
const ev = (e: Record<string, unknown>) => e as unknown as ResponseStreamEvent;
const reasoningItem = (id: string, summary: string[] = []) => ({
  id,
  type: "reasoning",
  summary: summary.map((text) => ({ type: "summary_text", text })),
  encrypted_content: `enc-${id}`,
});

function run(events: Array<Record<string, unknown>>, finish = true) {
  const mapper = new ResponsesStreamMapper(undefined);
  const out: StreamEvent[] = [];
  for (const e of [{ type: "response.created", response: response({ status: "in_progress" }) }, ...events])
    out.push(...mapper.event(ev(e)));
  if (finish) out.push(...mapper.event(ev({ type: "response.completed", response: response() })));
  mapper.end();
  const acc = new ResponseAccumulator("openai", "o4-mini");
  for (const e of out) acc.add(e);
  return acc.finish();
}

describe("ResponsesStreamMapper", () => {
  it("joins a reasoning item's summary parts with a blank line and closes the part with its encrypted content", () => {
    const result = run([
      { type: "response.output_item.added", output_index: 0, item: reasoningItem("rs_1") },
      { type: "response.reasoning_summary_text.delta", item_id: "rs_1", summary_index: 0, delta: "First" },
      { type: "response.reasoning_summary_text.delta", item_id: "rs_1", summary_index: 1, delta: "Second" },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: reasoningItem("rs_1", ["First", "Second"]),
      },
      { type: "response.output_item.added", output_index: 1, item: reasoningItem("rs_2") },
      { type: "response.output_item.done", output_index: 1, item: reasoningItem("rs_2", ["Only in done"]) },
    ]);
    expect(result.content).toEqual([
      {
        type: "reasoning",
        text: "First\n\nSecond",
        providerMetadata: { openai: { itemId: "rs_1", encryptedContent: "enc-rs_1" } },
      },
      {
        type: "reasoning",
        text: "Only in done",
        providerMetadata: { openai: { itemId: "rs_2", encryptedContent: "enc-rs_2" } },
      },
    ]);
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 3 });
    expect(result.requestId).toBe("resp_1");
  });

  it("maps a refusal to response.refusal and content-filter", () => {
    const result = run([
      { type: "response.refusal.delta", item_id: "m", output_index: 0, content_index: 0, delta: "I can't" },
      {
        type: "response.refusal.done",
        item_id: "m",
        output_index: 0,
        content_index: 0,
        refusal: "I can't help.",
      },
    ]);
    expect(result.refusal).toBe("I can't help.");
    expect(result.finishReason).toBe("content-filter");
  });

  it("maps response.incomplete for a content filter", () => {
    const mapper = new ResponsesStreamMapper("req_1");
    const events = [
      ...mapper.event(
        ev({
          type: "response.incomplete",
          response: response({ status: "incomplete", incomplete_details: { reason: "content_filter" } }),
        }),
      ),
    ];
    expect(events.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "content-filter",
      rawFinishReason: "content_filter",
    });
    expect(mapper.done).toBe(true);
  });

  it("turns response.failed and flat error events into typed errors", () => {
    const mapper = new ResponsesStreamMapper(undefined);
    expect(() => [
      ...mapper.event(
        ev({
          type: "response.failed",
          response: response({ status: "failed", error: { code: "rate_limit_exceeded", message: "slow" } }),
        }),
      ),
    ]).toThrow(RateLimitedError);
    expect(() => [
      ...mapper.event(ev({ type: "error", code: "server_error", message: "boom", param: null })),
    ]).toThrow(ProviderUnavailableError);
  });

  it("fails a stream that ends before a terminal event", () => {
    expect(() =>
      run([{ type: "response.output_text.delta", item_id: "m", content_index: 0, delta: "cut" }], false),
    ).toThrow(NetworkError);
  });

  it("matches deltas to their item by output_index when the server changes the item id on every event (GitHub Copilot)", () => {
    // Copilot's Responses endpoint sends a fresh opaque item id with each event of one item; only
    // output_index stays put. Matched by id, the done events looked like new items and the whole
    // reasoning and answer came out twice.
    let n = 0;
    const id = (prefix: string) => `${prefix}_${Buffer.from(`copilot-${++n}`).toString("base64")}`;
    const message = (text: string) => ({
      id: id("msg"),
      type: "message",
      role: "assistant",
      status: text === "" ? "in_progress" : "completed",
      content: text === "" ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }],
    });
    const call = (args: string) => ({
      id: id("fc"),
      type: "function_call",
      call_id: "call_weather",
      name: "weather",
      arguments: args,
      status: args === "" ? "in_progress" : "completed",
    });
    const result = run([
      { type: "response.output_item.added", output_index: 0, item: reasoningItem(id("rs")) },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: id("rs"),
        output_index: 0,
        summary_index: 0,
        delta: "Need the ",
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: id("rs"),
        output_index: 0,
        summary_index: 0,
        delta: "weather.",
      },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: reasoningItem(id("rs"), ["Need the weather."]),
      },
      { type: "response.output_item.added", output_index: 1, item: message("") },
      {
        type: "response.output_text.delta",
        item_id: id("msg"),
        output_index: 1,
        content_index: 0,
        delta: "Let me ",
      },
      {
        type: "response.output_text.delta",
        item_id: id("msg"),
        output_index: 1,
        content_index: 0,
        delta: "check.",
      },
      {
        type: "response.output_text.done",
        item_id: id("msg"),
        output_index: 1,
        content_index: 0,
        text: "Let me check.",
      },
      { type: "response.output_item.done", output_index: 1, item: message("Let me check.") },
      { type: "response.output_item.added", output_index: 2, item: call("") },
      {
        type: "response.function_call_arguments.delta",
        item_id: id("fc"),
        output_index: 2,
        delta: '{"city":',
      },
      {
        type: "response.function_call_arguments.delta",
        item_id: id("fc"),
        output_index: 2,
        delta: '"Oslo"}',
      },
      {
        type: "response.function_call_arguments.done",
        item_id: id("fc"),
        output_index: 2,
        arguments: '{"city":"Oslo"}',
      },
      { type: "response.output_item.done", output_index: 2, item: call('{"city":"Oslo"}') },
    ]);
    expect(result.text).toBe("Let me check.");
    expect(result.content.filter((p) => p.type === "reasoning").map((p) => p.text)).toEqual([
      "Need the weather.",
    ]);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ id: "call_weather", name: "weather", arguments: { city: "Oslo" } }),
    ]);
    expect(result.finishReason).toBe("tool-calls");
  });

  it("maps a custom tool call (free-form input) to a tool-call part that goes back as custom_tool_call", () => {
    const item = (input: string, status: string) => ({
      type: "custom_tool_call",
      id: "ctc_1",
      call_id: "call_patch",
      name: "apply_grammar_patch",
      input,
      status,
    });
    const input = "*** Begin Patch\n*** End Patch";
    const streamed = run([
      { type: "response.output_item.added", output_index: 0, item: item("", "in_progress") },
      {
        type: "response.custom_tool_call_input.delta",
        item_id: "ctc_1",
        output_index: 0,
        delta: "*** Begin Patch\n",
      },
      {
        type: "response.custom_tool_call_input.delta",
        item_id: "ctc_1",
        output_index: 0,
        delta: "*** End Patch",
      },
      { type: "response.custom_tool_call_input.done", item_id: "ctc_1", output_index: 0, input },
      { type: "response.output_item.done", output_index: 0, item: item(input, "completed") },
    ]);
    const part = {
      type: "tool-call",
      id: "call_patch",
      name: "apply_grammar_patch",
      arguments: input,
      rawArguments: input,
      providerMetadata: { openai: { kind: "custom", itemId: "ctc_1" } },
    };
    expect(streamed.toolCalls).toEqual([part]);
    expect(streamed.finishReason).toBe("tool-calls");
    const acc = new ResponseAccumulator("openai", "gpt-5");
    for (const e of responseEvents(
      response({ output: [item(input, "completed")] }) as unknown as Response,
      undefined,
    ))
      acc.add(e);
    expect(acc.finish().toolCalls).toEqual([part]);
    expect(acc.finish().finishReason).toBe("tool-calls");
  });

  const waiting: Array<[string, Record<string, unknown>]> = [
    [
      "apply_patch_call",
      {
        type: "apply_patch_call",
        id: "apc_1",
        call_id: "call_1",
        status: "completed",
        operation: { type: "update_file", path: "src/a.ts", diff: "@@\n-a\n+b\n" },
      },
    ],
    [
      "shell_call",
      {
        type: "shell_call",
        id: "sh_1",
        call_id: "call_1",
        status: "completed",
        action: { commands: ["ls -la"], timeout_ms: 120000, max_output_length: null },
        environment: null,
      },
    ],
    [
      "local_shell_call",
      {
        type: "local_shell_call",
        id: "lsh_1",
        call_id: "call_1",
        status: "completed",
        action: { type: "exec", command: ["ls"], env: {} },
      },
    ],
    [
      "mcp_approval_request",
      {
        type: "mcp_approval_request",
        id: "mcpr_1",
        server_label: "deepwiki",
        name: "ask_question",
        arguments: '{"repoName":"openai/codex"}',
      },
    ],
    [
      "tool_search_call",
      {
        type: "tool_search_call",
        id: "tsc_1",
        call_id: "call_1",
        execution: "client",
        arguments: { query: "calendar" },
        status: "completed",
      },
    ],
  ];

  it.each(waiting)(
    "finishes an answer that waits on the caller's %s with 'other', not 'stop', the item kept in raw",
    (type, item) => {
      const done = response({ output: [item] });
      const mapper = new ResponsesStreamMapper(undefined);
      const events: StreamEvent[] = [];
      for (const e of [
        { type: "response.created", response: response({ status: "in_progress" }) },
        { type: "response.output_item.added", output_index: 0, item },
        { type: "response.output_item.done", output_index: 0, item },
        { type: "response.completed", response: done },
      ])
        events.push(...mapper.event(ev(e)));
      const generated = [...responseEvents(done as unknown as Response, undefined)];
      for (const out of [events, generated]) {
        const finish = out.at(-1);
        expect(finish).toMatchObject({
          type: "finish",
          finishReason: "other",
          rawFinishReason: `awaiting:${type}`,
        });
        expect((finish as { raw: { output: unknown[] } }).raw.output).toEqual([item]);
      }
    },
  );

  it("finishes with 'stop' after a tool search OpenAI ran itself", () => {
    const item = { ...waiting[4]![1], execution: "server" };
    const generated = [...responseEvents(response({ output: [item] }) as unknown as Response, undefined)];
    expect(generated.at(-1)).toMatchObject({ finishReason: "stop", rawFinishReason: "completed" });
  });
});
