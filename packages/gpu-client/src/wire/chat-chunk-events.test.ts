import type { StreamEvent } from "@keel/core";
import { describe, expect, it } from "vitest";
import { wireFixture } from "../__fixtures__/wire.js";
import { ChatChunkEvents } from "./chat-chunk-events.js";
import { errorFromStatus } from "./http-errors.js";

function mapAll(chunks: Record<string, unknown>[]): StreamEvent[] {
  const mapper = new ChatChunkEvents("tgi-1");
  return [...chunks.flatMap((c) => mapper.map(c)), ...mapper.end()];
}

describe("OpenAI chat chunks from self-hosted servers (recorded TGI streams)", () => {
  it("maps TGI's usage stream: text deltas, then usage, then finish", () => {
    const chunks = JSON.parse(wireFixture("tgi/chat-stream-usage.snapshot.json")) as Record<string, any>[];
    const events = mapAll(chunks);
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    const expected = chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("");
    expect(text).toBe(expected);
    expect(events[0]).toMatchObject({
      type: "response-metadata",
      servedModel: "meta-llama/Llama-3.1-8B-Instruct",
    });
    const usage = events.find((e) => e.type === "usage");
    const last = chunks.findLast((c) => c.usage)!;
    expect(usage).toEqual({
      type: "usage",
      usage: {
        inputTokens: last.usage.prompt_tokens,
        outputTokens: last.usage.completion_tokens,
        totalTokens: last.usage.total_tokens,
      },
    });
    expect(events.at(-1)).toMatchObject({ type: "finish" });
  });

  it("assembles TGI's streamed tool call (arguments in fragments) into one tool-call event", () => {
    const chunks = JSON.parse(wireFixture("tgi/chat-stream-tool-call.snapshot.json")) as Record<
      string,
      any
    >[];
    const events = mapAll(chunks);
    const calls = events.filter((e) => e.type === "tool-call");
    expect(calls).toHaveLength(1);
    const call = (calls[0] as Extract<StreamEvent, { type: "tool-call" }>).call;
    expect(call.name).toBe("get_current_weather");
    expect(call.argumentsError).toBeUndefined();
    expect(call.arguments).toMatchObject({ location: expect.any(String) });
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls" });
  });

  it("calls a stream that ends before its finish reason a truncation (NetworkError)", () => {
    const chunks = JSON.parse(wireFixture("tgi/chat-stream-usage.snapshot.json")) as Record<string, any>[];
    const mapper = new ChatChunkEvents("tgi-1");
    mapper.map(chunks[0]!);
    expect(() => mapper.end()).toThrow(expect.objectContaining({ name: "NetworkError" }));
  });
});

describe("self-hosted servers' HTTP errors", () => {
  it("treats TGI's 429 'Model is overloaded' and llama.cpp's 503 while loading as what they are", () => {
    expect(
      errorFromStatus(429, { error: "Model is overloaded", error_type: "overloaded" }, undefined, "tgi-1"),
    ).toMatchObject({
      name: "OverloadedError",
      retryable: true,
    });
    const loading = errorFromStatus(
      503,
      JSON.parse(wireFixture("llamacpp/health-503-loading.docs-example.json")),
      undefined,
      "llama-1",
    );
    expect(loading).toMatchObject({ name: "ProviderUnavailableError", status: 503, retryable: true });
    expect(errorFromStatus(503, { error: { message: "no slot available" } }, undefined, "llama-1").name).toBe(
      "OverloadedError",
    );
    expect(
      errorFromStatus(429, { error: "too many requests" }, new Headers({ "retry-after": "3" }), "x"),
    ).toMatchObject({
      name: "RateLimitedError",
      retryAfterMs: 3000,
    });
    expect(
      errorFromStatus(404, { error: { message: "The model `x` does not exist." } }, undefined, "v").name,
    ).toBe("InvalidRequestError");
  });
});
