/**
 * End-to-end: `ModelRequest.logprobs` through the real SDKs. Each adapter must ask for log
 * probabilities in its provider's terms and bring them back normalized (`response.logprobs`,
 * `logprobs` stream events), for generate and stream alike. The answers are written in each
 * provider's documented shape (the recorded fixtures in ../shared carry none).
 */
import { InvalidRequestError, type Model, type ModelRequest, type StreamEvent } from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropic } from "../anthropic/index.js";
import { google } from "../google/index.js";
import { openai, openaiResponses } from "../openai/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ask = (top?: number): ModelRequest => ({
  messages: [{ role: "user", content: "Say hi" }],
  logprobs: top === undefined ? {} : { top },
});

// The normalized form every adapter must produce for the answer "Hi!" as two tokens.
const expected = [
  {
    token: "Hi",
    logprob: -0.01,
    bytes: [72, 105],
    top: [
      { token: "Hi", logprob: -0.01, bytes: [72, 105] },
      { token: "Hello", logprob: -4.6, bytes: [72, 101, 108, 108, 111] },
    ],
  },
  { token: "!", logprob: -0.2, bytes: [33], top: [{ token: "!", logprob: -0.2, bytes: [33] }] },
];
const openaiEntries = expected.map(({ top, ...token }) => ({
  ...token,
  top_logprobs: top.map((t) => ({ ...t })),
}));

const sse = (events: unknown[], done = true) =>
  events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");
const sseHeaders = { "content-type": "text/event-stream" };

async function streamed(model: Model, request: ModelRequest) {
  const stream = model.stream(request);
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, response: await stream.response };
}

describe("OpenAI Chat Completions", () => {
  const model = () => openai("gpt-4o-mini", { baseURL: server.openaiBaseURL, apiKey: "sk-test" });
  const chunk = (delta: object, logprobs: unknown, finish: string | null = null) => ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
  });

  it("asks with logprobs + top_logprobs and maps choice.logprobs.content (generate)", async () => {
    server.enqueue({
      status: 200,
      json: {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-4o-mini-2024-07-18",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "Hi!", refusal: null },
            logprobs: { content: openaiEntries, refusal: null },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    });
    const response = await model().generate(ask(2));
    expect(server.requests[0]!.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(response.logprobs).toEqual(expected);
    expect(response.text).toBe("Hi!");
  });

  it("streams one logprobs event per chunk that has them, after its text", async () => {
    server.enqueue({
      status: 200,
      headers: sseHeaders,
      body: sse([
        chunk({ role: "assistant", content: "Hi" }, { content: [openaiEntries[0]], refusal: null }),
        chunk({ content: "!" }, { content: [openaiEntries[1]], refusal: null }),
        chunk({}, null, "stop"),
      ]),
    });
    const { events, response } = await streamed(model(), ask(2));
    expect(events.map((e) => e.type).filter((t) => t === "text-delta" || t === "logprobs")).toEqual([
      "text-delta",
      "logprobs",
      "text-delta",
      "logprobs",
    ]);
    expect(response.logprobs).toEqual(expected);
  });

  it("asks for the chosen tokens only when top is 0 or absent, and sends nothing when not asked", async () => {
    await model().generate(ask());
    await model().generate({ messages: [{ role: "user", content: "Say hi" }] });
    expect(server.requests[0]!.body.logprobs).toBe(true);
    expect(server.requests[0]!.body).not.toHaveProperty("top_logprobs");
    expect(server.requests[1]!.body).not.toHaveProperty("logprobs");
  });

  it("refuses a top outside 0–20 before sending anything", async () => {
    for (const top of [21, -1, 1.5])
      await expect(model().generate(ask(top))).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("OpenAI Responses", () => {
  const model = () => openaiResponses("gpt-4.1-mini", { baseURL: server.openaiBaseURL, apiKey: "sk-test" });
  const base = {
    id: "resp_1",
    object: "response",
    created_at: 1,
    model: "gpt-4.1-mini-2025-04-14",
    output: [],
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
  };

  it("asks with include + top_logprobs and maps output_text logprobs (generate)", async () => {
    server.enqueue({
      status: 200,
      json: {
        ...base,
        status: "completed",
        output: [
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "Hi!", annotations: [], logprobs: openaiEntries }],
          },
        ],
      },
    });
    const response = await model().generate(ask(2));
    expect(server.requests[0]!.body).toMatchObject({
      include: ["message.output_text.logprobs"],
      top_logprobs: 2,
    });
    expect(response.logprobs).toEqual(expected);
  });

  it("maps the logprobs of output_text.delta events (stream)", async () => {
    const delta = (text: string, entry: unknown, n: number) => ({
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: text,
      logprobs: [entry],
      sequence_number: n,
    });
    server.enqueue({
      status: 200,
      headers: sseHeaders,
      body: sse(
        [
          { type: "response.created", response: { ...base, status: "in_progress" }, sequence_number: 0 },
          delta("Hi", openaiEntries[0], 1),
          delta("!", openaiEntries[1], 2),
          { type: "response.completed", response: { ...base, status: "completed" }, sequence_number: 3 },
        ],
        false,
      ),
    });
    const { response } = await streamed(model(), ask(2));
    expect(response.text).toBe("Hi!");
    expect(response.logprobs).toEqual(expected);
  });
});

describe("Gemini", () => {
  const model = () => google("gemini-2.5-flash", { apiKey: "test-key", baseUrl: server.geminiBaseURL });
  // Gemini reports no bytes; topCandidates[i] holds the alternatives of chosenCandidates[i].
  const withoutBytes = expected.map(({ bytes: _, top, ...token }) => ({
    ...token,
    top: top.map(({ bytes: __, ...t }) => t),
  }));
  const result = (steps: typeof withoutBytes) => ({
    chosenCandidates: steps.map((s) => ({ token: s.token, logProbability: s.logprob })),
    topCandidates: steps.map((s) => ({
      candidates: s.top.map((t) => ({ token: t.token, logProbability: t.logprob })),
    })),
  });
  const answer = (text: string, steps: typeof withoutBytes, finish?: string) => ({
    candidates: [
      {
        content: { role: "model", parts: [{ text }] },
        index: 0,
        logprobsResult: result(steps),
        ...(finish ? { finishReason: finish } : {}),
      },
    ],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    modelVersion: "gemini-2.5-flash",
  });

  it("asks with responseLogprobs + logprobs and maps logprobsResult (generate)", async () => {
    server.enqueue({ status: 200, json: answer("Hi!", withoutBytes, "STOP") });
    const response = await model().generate(ask(2));
    expect(server.requests[0]!.body.generationConfig).toMatchObject({ responseLogprobs: true, logprobs: 2 });
    expect(response.logprobs).toEqual(withoutBytes);
  });

  it("maps each chunk's logprobsResult (stream)", async () => {
    server.enqueue({
      status: 200,
      headers: sseHeaders,
      body: sse([answer("Hi", withoutBytes.slice(0, 1)), answer("!", withoutBytes.slice(1), "STOP")], false),
    });
    const { response } = await streamed(model(), ask(2));
    expect(response.text).toBe("Hi!");
    expect(response.logprobs).toEqual(withoutBytes);
  });
});

describe("providers without log probabilities", () => {
  it("Anthropic refuses the request with InvalidRequestError, unless told to drop it", async () => {
    const settings = { baseURL: server.anthropicBaseURL, apiKey: "test" };
    await expect(anthropic("claude-sonnet-4-6", settings).generate(ask())).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(server.requests).toHaveLength(0);
    const dropped = await anthropic("claude-sonnet-4-6", {
      ...settings,
      dropUnsupported: ["logprobs"],
    }).generate(ask());
    expect(dropped.logprobs).toBeUndefined();
  });
});
