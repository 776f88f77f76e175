import { NetworkError, ProviderUnavailableError, RateLimitedError, type StreamEvent } from "@keel/core";
import { ResponseAccumulator } from "@keel/core/provider";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { ResponsesStreamMapper } from "./responses-stream-mapper.js";

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
});
