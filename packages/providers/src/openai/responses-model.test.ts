/**
 * End-to-end: openaiResponses() on the real `openai` SDK against the wire test server, replaying
 * the recorded Responses API fixtures and asserting the normalized result field by field.
 *
 * responses-stream-reasoning.chunks.jsonl holds FOUR consecutive streams (a four-step tool loop
 * recorded by vercel/ai). It is split at each `response.completed` and the parts are replayed as
 * the four turns of a real loop, so the test also proves that each turn sends the previous
 * turns' reasoning (with its encrypted content), function calls and outputs back. Replayed whole,
 * only the first stream counts: the adapter stops at the first terminal event.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Message,
  type ModelResponse,
  QuotaExhaustedError,
  type ReasoningPart,
  type StreamEvent,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { openaiResponses } from "./index.js";

let server: TestServer;
let splitDir: string;
const fixture = (name: string) => join(server.fixturesDir!, "openai", name);

beforeAll(async () => {
  server = await startTestServer();
  // Split the four concatenated streams into one file each (absolute fixture paths).
  splitDir = mkdtempSync(join(tmpdir(), "keel-openai-"));
  mkdirSync(join(splitDir, "openai"));
  const lines = readFileSync(fixture("responses-stream-reasoning.chunks.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean);
  let part: string[] = [];
  let n = 0;
  for (const line of lines) {
    part.push(line);
    if (JSON.parse(line).type === "response.completed") {
      writeFileSync(join(splitDir, "openai", `reasoning-turn-${++n}.chunks.jsonl`), `${part.join("\n")}\n`);
      part = [];
    }
  }
  expect(n).toBe(4);
});
afterAll(async () => {
  await server.close();
  rmSync(splitDir, { recursive: true, force: true });
});
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

// `connection: close`: a fresh socket per request (waitForIdle closes kept-alive ones between tests).
const model = (id = "gpt-5.1-codex-max") =>
  openaiResponses(id, { baseURL: server.openaiBaseURL, apiKey: "test", headers: { connection: "close" } });
const turn = (n: number) => ({ fixture: join(splitDir, "openai", `reasoning-turn-${n}.chunks.jsonl`) });

async function drain(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const calculator = {
  name: "calculator",
  description: "Does arithmetic",
  inputSchema: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" }, op: { type: "string" } },
    required: ["a", "b", "op"],
    additionalProperties: false,
  },
};
const FIRST_ENCRYPTED_PREFIX = "gAAAAABpPDIVOKrsHNZ0GwsoEKA_IG";

describe("openaiResponses() replays recorded Responses API streams", () => {
  it("responses-stream-text.chunks.jsonl: two message items, text completed from output_text.done, usage with cached and reasoning tokens", async () => {
    server.enqueue({ fixture: "openai/responses-stream-text.chunks.jsonl" });
    const stream = model("gpt-5.3-codex").stream({
      messages: [{ role: "user", content: "AI headlines today?" }],
    });
    const events = await drain(stream);
    const response = await stream.response;
    const completed = JSON.parse(
      readFileSync(fixture("responses-stream-text.chunks.jsonl"), "utf8").trim().split("\n").at(-1)!,
    ).response;
    const recordedText = completed.output.map((o: any) => o.content[0].text).join("");
    // The recording keeps only the first deltas of each message; the done events carry the rest.
    expect(
      events
        .filter((e) => e.type === "text-delta")
        .map((e: any) => e.text)
        .slice(0, 2),
    ).toEqual(["Got", " it"]);
    expect(response.text).toBe(recordedText);
    expect(response.text).toHaveLength(1638);
    expect(response.text.startsWith("Got it — I’ll quickly check reliable")).toBe(true);
    expect(response.usage).toEqual({
      inputTokens: 7112,
      outputTokens: 463,
      totalTokens: 7575,
      cachedInputTokens: 3072,
      reasoningTokens: 64,
    });
    expect(response.finishReason).toBe("stop");
    expect(response.rawFinishReason).toBe("completed");
    expect(response.model).toEqual({ requested: "gpt-5.3-codex", served: "gpt-5.3-codex" });
    expect(response.requestId).toBe("resp_0a63f40a2632b74300699f8818e5648196a8fa657ae8091421");
    expect(response.toolCalls).toEqual([]);
    expect((response.raw as { status: string }).status).toBe("completed");
  });

  it("responses-stream-reasoning.chunks.jsonl, split in four: a tool loop that carries encrypted reasoning across turns", async () => {
    const m = model();
    const messages: Message[] = [
      { role: "system", content: "Use the calculator." },
      { role: "user", content: "(12+7)*3*10?" },
    ];
    const ask = () => ({ messages, tools: [calculator], reasoning: { effort: "medium" as const } });
    const results = [20, 570, 5700];
    const responses: ModelResponse[] = [];
    for (let n = 1; n <= 4; n++) {
      server.enqueue(turn(n));
      const response = await m.stream(ask()).response;
      responses.push(response);
      if (n < 4) {
        messages.push({ role: "assistant", content: response.content });
        const call = response.toolCalls[0]!;
        messages.push({
          role: "tool",
          content: [{ type: "tool-result", toolCallId: call.id, name: call.name, result: results[n - 1] }],
        });
      }
    }

    // Turn 1: a reasoning item (summary streamed, encrypted content from output_item.done), then a call.
    const [first, second, third, fourth] = responses as [
      ModelResponse,
      ModelResponse,
      ModelResponse,
      ModelResponse,
    ];
    const reasoning = first.content[0] as ReasoningPart;
    expect(reasoning.type).toBe("reasoning");
    expect(reasoning.text).toBe(
      "**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7, then multiply the result by 3, and finally multiply that by 10, reporting the final product.",
    );
    const meta = reasoning.providerMetadata!.openai as { itemId: string; encryptedContent: string };
    expect(meta.itemId).toBe("rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9");
    expect(meta.encryptedContent.startsWith(FIRST_ENCRYPTED_PREFIX)).toBe(true);
    expect(meta.encryptedContent).toHaveLength(1060);
    expect(first.toolCalls).toEqual([
      {
        type: "tool-call",
        id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
        name: "calculator",
        arguments: { a: 12, b: 7, op: "add" },
        rawArguments: '{"a":12,"b":7,"op":"add"}',
        providerMetadata: { openai: { itemId: "fc_01830d662ab3856501693c32151234819091cfca267e98cc5f" } },
      },
    ]);
    expect(first.content.map((p) => p.type)).toEqual(["reasoning", "tool-call"]);
    expect(first.finishReason).toBe("tool-calls");
    expect(first.usage).toEqual({
      inputTokens: 134,
      outputTokens: 28,
      totalTokens: 162,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(first.model.served).toBe("gpt-5.1-codex-max");
    expect(first.requestId).toBe("resp_01830d662ab3856501693c321345c88190b0de00f3b9975691");

    expect(second.toolCalls.map((c) => c.arguments)).toEqual([{ a: 19, b: 3, op: "multiply" }]);
    expect(second.usage).toMatchObject({ inputTokens: 221, outputTokens: 26, totalTokens: 247 });
    expect(third.toolCalls.map((c) => c.arguments)).toEqual([{ a: 57, b: 10, op: "multiply" }]);
    expect(third.usage).toMatchObject({ inputTokens: 260, outputTokens: 26, totalTokens: 286 });
    expect(fourth.text).toBe("The final result is **570**.");
    expect(fourth.toolCalls).toEqual([]);
    expect(fourth.finishReason).toBe("stop");
    expect(fourth.usage).toMatchObject({ inputTokens: 299, outputTokens: 12, totalTokens: 311 });

    // On the wire: every turn is unstored, asks for encrypted reasoning, and sends the history back.
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests) {
      expect(request.path).toBe("/v1/responses");
      expect(request.body.store).toBe(false);
      expect(request.body.include).toEqual(["reasoning.encrypted_content"]);
      expect(request.body.reasoning).toEqual({ effort: "medium" });
      expect(request.body.stream).toBe(true);
    }
    expect(server.requests[0]!.body).toEqual({
      model: "gpt-5.1-codex-max",
      input: [
        { role: "system", content: "Use the calculator." },
        { role: "user", content: "(12+7)*3*10?" },
      ],
      tools: [
        {
          type: "function",
          name: "calculator",
          description: "Does arithmetic",
          parameters: calculator.inputSchema,
          strict: false,
        },
      ],
      reasoning: { effort: "medium" },
      store: false,
      include: ["reasoning.encrypted_content"],
      stream: true,
    });
    expect(server.requests[1]!.body.input.slice(2)).toEqual([
      {
        type: "reasoning",
        id: "rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9",
        summary: [{ type: "summary_text", text: reasoning.text }],
        encrypted_content: meta.encryptedContent,
      },
      {
        type: "function_call",
        call_id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
        name: "calculator",
        arguments: '{"a":12,"b":7,"op":"add"}',
        id: "fc_01830d662ab3856501693c32151234819091cfca267e98cc5f",
      },
      { type: "function_call_output", call_id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn", output: "20" },
    ]);
    // The last turn still carries the first turn's encrypted reasoning, unchanged.
    const lastInput = server.requests[3]!.body.input as any[];
    expect(lastInput.filter((i) => i.type === "reasoning").map((i) => i.encrypted_content)).toEqual([
      meta.encryptedContent,
    ]);
    expect(lastInput.filter((i) => i.type === "function_call_output").map((i) => i.output)).toEqual([
      "20",
      "570",
      "5700",
    ]);
  });

  it("responses-stream-reasoning.chunks.jsonl replayed whole: only the first stream counts (the adapter stops at response.completed)", async () => {
    server.enqueue({ fixture: "openai/responses-stream-reasoning.chunks.jsonl" });
    const response = await model().stream({ messages: [{ role: "user", content: "go" }] }).response;
    expect(response.toolCalls.map((c) => c.id)).toEqual(["call_AB6AaRZ1FYZB2RwS6A5vbdqn"]);
    expect(response.text).toBe("");
    expect(response.usage.totalTokens).toBe(162);
  });

  it("responses-stream-error.chunks.jsonl: an error event (insufficient_quota) after response.created is QuotaExhaustedError", async () => {
    server.enqueue({ fixture: "openai/responses-stream-error.chunks.jsonl" });
    const events: StreamEvent[] = [];
    let error: unknown;
    try {
      for await (const event of model("gpt-5-nano").stream({ messages: [{ role: "user", content: "hi" }] }))
        events.push(event);
    } catch (e) {
      error = e;
    }
    expect(events[0]).toEqual({
      type: "response-metadata",
      requestId: "resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424",
      servedModel: "gpt-5-nano-2025-08-07",
    });
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(error).toMatchObject({ provider: "openai", retryable: false, status: undefined });
    expect((error as Error).message).toMatch(/exceeded your current quota/);
  });
});

describe("openaiResponses() generate", () => {
  it("maps a whole Response (the recorded turn-1 response.completed payload) like the stream", async () => {
    const completed = readFileSync(join(splitDir, "openai", "reasoning-turn-1.chunks.jsonl"), "utf8")
      .trim()
      .split("\n")
      .at(-1)!;
    const recorded = JSON.parse(completed).response;
    server.enqueue({ status: 200, json: recorded });
    const response = await model().generate({
      messages: [{ role: "user", content: "go" }],
      tools: [calculator],
    });
    expect(response.content.map((p) => p.type)).toEqual(["reasoning", "tool-call"]);
    const reasoning = response.content[0] as ReasoningPart;
    expect(reasoning.text.startsWith("**Calculating step-by-step using calculator**")).toBe(true);
    // OpenAI re-encrypts per payload: the completed response carries its own ciphertext.
    expect(reasoning.providerMetadata).toEqual({
      openai: {
        itemId: "rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9",
        encryptedContent: recorded.output[0].encrypted_content,
      },
    });
    expect(response.toolCalls[0]).toMatchObject({
      id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
      arguments: { a: 12, b: 7, op: "add" },
    });
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toMatchObject({ inputTokens: 134, outputTokens: 28, totalTokens: 162 });
    expect(response.model.served).toBe("gpt-5.1-codex-max");
    expect(server.requests[0]!.body).not.toHaveProperty("stream");
  });

  it("maps a synthesized text answer and a max_output_tokens stop", async () => {
    server.enqueue({ text: "Hello there", usage: { input: 5, output: 2 } });
    const text = await model("gpt-4o").generate({ messages: [{ role: "user", content: "hi" }] });
    expect(text.text).toBe("Hello there");
    expect(text.usage).toMatchObject({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
    expect(text.finishReason).toBe("stop");
    // Not a reasoning model: no encrypted reasoning is asked for.
    expect(server.requests[0]!.body).toEqual({
      model: "gpt-4o",
      input: [{ role: "user", content: "hi" }],
      store: false,
    });

    server.enqueue({ text: "Hello", finishReason: "length" });
    const cut = await model("gpt-4o").stream({
      messages: [{ role: "user", content: "hi" }],
      maxOutputTokens: 1,
    }).response;
    expect(cut.finishReason).toBe("length");
    expect(cut.rawFinishReason).toBe("max_output_tokens");
    expect(server.requests[1]!.body.max_output_tokens).toBe(1);
  });
});

describe("openaiResponses() request bodies on the wire", () => {
  it("a stream sends every mapped option in Responses API form, and nothing else", async () => {
    await openaiResponses("o4-mini", {
      baseURL: server.openaiBaseURL,
      apiKey: "test",
      headers: { connection: "close" },
      systemMessageRole: "developer",
    }).stream({
      messages: [
        { role: "system", content: "Be terse." },
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
            { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "r.pdf" },
          ],
        },
      ],
      tools: [{ ...calculator, strict: true }],
      toolChoice: "auto",
      responseFormat: { type: "json", name: "out", schema: { type: "object" }, strict: true },
      temperature: 0.4,
      topP: 0.7,
      maxOutputTokens: 64,
      reasoning: { effort: "low" },
      providerOptions: { openai: { parallel_tool_calls: false, safety_identifier: "u1" } },
    }).response;
    expect(server.requests[0]!.body).toEqual({
      model: "o4-mini",
      input: [
        { role: "developer", content: "Be terse." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "Describe" },
            { type: "input_image", image_url: "https://example.com/a.png", detail: "auto" },
            { type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "r.pdf" },
          ],
        },
      ],
      tools: [
        {
          type: "function",
          name: "calculator",
          description: "Does arithmetic",
          parameters: calculator.inputSchema,
          strict: true,
        },
      ],
      tool_choice: "auto",
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      temperature: 0.4,
      top_p: 0.7,
      max_output_tokens: 64,
      reasoning: { effort: "low" },
      store: false,
      include: ["reasoning.encrypted_content"],
      stream: true,
      parallel_tool_calls: false,
      safety_identifier: "u1",
    });
  });
});
