/**
 * Recorded TGI and vLLM traffic (shared/fixtures/wire) replayed through the real `openai` SDK and
 * the presets, asserted field by field. Each test names the fixture and what it proves.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OutputParseError, type StreamEvent } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RawResponse, startTestServer, type TestServer } from "../testing/index.js";
import { tgi, vllm } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

const settings = () => ({ baseURL: server.openaiBaseURL, apiKey: "-", headers: { connection: "close" } });

function fixture(name: string): any {
  return JSON.parse(readFileSync(join(server.fixturesDir!, name), "utf8"));
}

/** A TGI snapshot (a JSON array of chunks) served the way TGI's router writes SSE: `data:` with no space. */
function tgiStream(chunks: unknown[]): RawResponse {
  const body = chunks.map((c) => `data:${JSON.stringify(c)}\n\n`).join("");
  return { status: 200, headers: { "content-type": "text/event-stream" }, body: `${body}data:[DONE]\n\n` };
}

async function drain(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const weather = { location: "Brooklyn, NY", format: "fahrenheit" };

describe("TGI fixtures through the tgi preset", () => {
  it('tgi/chat-stream-tool-call.snapshot.json: 17 fragments with id "0" repeated, no finish chunk → one whole tool call', async () => {
    server.enqueue(tgiStream(fixture("tgi/chat-stream-tool-call.snapshot.json")));
    const stream = tgi("tgi", settings()).stream({ messages: [{ role: "user", content: "weather?" }] });
    const events = await drain(stream);
    expect(events.filter((e) => e.type === "tool-call-delta")).toHaveLength(17);
    const response = await stream.response;
    expect(response.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "0",
        name: "get_current_weather",
        arguments: weather,
        rawArguments: '{ "location": "Brooklyn, NY", "format": "fahrenheit"}',
      },
    ]);
    // No finish chunk arrived: the complete tool call makes it a tool-calls finish, with no raw reason.
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBeUndefined();
    expect(response.model.served).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(response.provider).toBe("tgi");
  });

  it("a tool-call stream cut mid-arguments is still an error, even for TGI", async () => {
    const chunks = fixture("tgi/chat-stream-tool-call.snapshot.json").slice(0, 9);
    server.enqueue(tgiStream(chunks));
    await expect(
      tgi("tgi", settings()).stream({ messages: [{ role: "user", content: "hi" }] }).response,
    ).rejects.toThrow(/tgi stream ended before its finish_reason arrived/);
  });

  it('tgi/chat-stream-usage.snapshot.json: id "" on every chunk, finish length, usage from the final chunk', async () => {
    server.enqueue(tgiStream(fixture("tgi/chat-stream-usage.snapshot.json")));
    const response = await tgi("tgi", settings()).stream({ messages: [{ role: "user", content: "hi" }] })
      .response;
    expect(response.text).toBe("**Deep Learning: An Overview**\n=====================================\n\n");
    expect(response.finishReason).toBe("length");
    expect(response.usage).toEqual({ inputTokens: 40, outputTokens: 10, totalTokens: 50 });
    // The chunk id is "", so no request id is invented.
    expect(response.requestId).toBeUndefined();
  });

  it("tgi/chat-completion-tool-call.snapshot.json: finish_reason stop with tool_calls reads as tool-calls", async () => {
    server.enqueue({ fixture: "tgi/chat-completion-tool-call.snapshot.json" });
    const response = await tgi("tgi", settings()).generate({ messages: [{ role: "user", content: "hi" }] });
    expect(response.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "0",
        name: "get_current_weather",
        arguments: weather,
        rawArguments: JSON.stringify(weather),
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("stop");
    expect(response.usage).toEqual({ inputTokens: 501, outputTokens: 29, totalTokens: 530 });
  });

  it("the same completion from older TGI, arguments as an object, gives the same tool call", async () => {
    const completion = fixture("tgi/chat-completion-tool-call.snapshot.json");
    completion.choices[0].message.tool_calls[0].function.arguments = weather;
    server.enqueue({ status: 200, json: completion });
    const response = await tgi("tgi", settings()).generate({ messages: [{ role: "user", content: "hi" }] });
    expect(response.toolCalls[0]).toMatchObject({ name: "get_current_weather", arguments: weather });
  });
});

describe("vLLM fixtures", () => {
  it("vllm/completions-stream.excerpt.sse: /v1/completions chunks sent to a chat model fail clearly", async () => {
    server.enqueue({ fixture: "vllm/completions-stream.excerpt.sse" });
    const error = await vllm("Qwen/Qwen3-4B", settings())
      .stream({ messages: [{ role: "user", content: "hi" }] })
      .response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as Error).message).toMatch(/vllm sent legacy text_completion chunks.*check the base URL/);
    expect(error).toMatchObject({ provider: "vllm" });
  });

  it("vllm/completions.json: a text_completion body for a chat call is an OutputParseError, not a crash", async () => {
    server.enqueue({ fixture: "vllm/completions.json" });
    const error = await vllm("Qwen/Qwen3-4B", settings())
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as Error).message).toMatch(
      /vllm answered with a choice that has no message \(a text_completion body/,
    );
    expect(error).toMatchObject({ provider: "vllm" });
  });
});
