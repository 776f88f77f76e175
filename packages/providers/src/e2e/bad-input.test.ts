import Anthropic from "@anthropic-ai/sdk";
import {
  InvalidRequestError,
  type Model,
  type ModelRequest,
  onEvent,
  pipe,
  rateLimit,
  retry,
  timeout,
} from "@keel/core";
import { guard } from "@keel/core/guard";
import { captureContent } from "@keel/core/telemetry";
import { OpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropic } from "../anthropic/index.js";
import { google } from "../google/index.js";
import { llamaCpp } from "../llama-cpp/index.js";
import { openai, openaiResponses } from "../openai/index.js";
import { vllm } from "../openai-compatible/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";

// Bad input is refused the same way by every adapter, before anything is sent: a typed
// InvalidRequestError naming the message index and field, never a plain TypeError and never a
// request that went out with the bad part dropped or turned into something else.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const opts = { apiKey: "test", maxRetries: 0, logLevel: "off" } as const;
const ADAPTERS: Array<[string, () => Model]> = [
  ["openai chat", () => openai("gpt-4o", { client: new OpenAI({ ...opts, baseURL: server.openaiBaseURL }) })],
  [
    "openai responses",
    () => openaiResponses("gpt-4o", { client: new OpenAI({ ...opts, baseURL: server.openaiBaseURL }) }),
  ],
  [
    "anthropic",
    () =>
      anthropic("claude-haiku-4-5", {
        client: new Anthropic({ ...opts, baseURL: server.anthropicBaseURL }),
      }),
  ],
  ["google", () => google("gemini-2.5-flash", { apiKey: "test", baseUrl: server.geminiBaseURL })],
  ["openai-compatible (vllm)", () => vllm("qwen3", { baseURL: server.openaiBaseURL })],
  // Never loaded: the request is refused before the model file is even opened.
  ["llama-cpp", () => llamaCpp({ modelPath: "/nonexistent/never-loaded.gguf" })],
];

const hi = { role: "user", content: "hi" };
const BAD: Array<[string, unknown, string]> = [
  ["an unknown role (human)", { messages: [hi, { role: "human", content: "x" }] }, "messages[1].role"],
  [
    "an unknown role (developer)",
    { messages: [{ role: "developer", content: "x" }, hi] },
    "messages[0].role",
  ],
  [
    "an OpenAI-style tool message",
    {
      messages: [
        hi,
        { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: {} }] },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
    },
    "messages[2].content must be an array of tool-result parts",
  ],
  ["missing content", { messages: [{ role: "user" }] }, "messages[0].content"],
  ["undefined content", { messages: [{ role: "user", content: undefined }] }, "messages[0].content"],
  ["number content", { messages: [{ role: "user", content: 7 }] }, "messages[0].content"],
  [
    "a text part without text",
    { messages: [{ role: "user", content: [{ type: "text" }] }] },
    "messages[0].content[0].text",
  ],
  ["messages as a string", { messages: "hi" }, "`messages` must be an array"],
  ["a prompt instead of messages", { prompt: "hi" }, "not `prompt`"],
  ["no messages", { messages: [] }, "`messages` is empty"],
  ["maxOutputTokens NaN", { messages: [hi], maxOutputTokens: Number.NaN }, "`maxOutputTokens`"],
  ["maxOutputTokens negative", { messages: [hi], maxOutputTokens: -5 }, "`maxOutputTokens`"],
  ["maxOutputTokens not an integer", { messages: [hi], maxOutputTokens: 10.5 }, "`maxOutputTokens`"],
];

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded");
}

describe.each(ADAPTERS)("%s", (_, make) => {
  it.each(BAD)(
    "refuses %s before sending, naming the field (generate and stream)",
    async (_, request, field) => {
      const model = make();
      const fromGenerate = await failureOf(() => model.generate(request as ModelRequest));
      const stream = model.stream(request as ModelRequest);
      const events: string[] = [];
      const fromStream = await failureOf(async () => {
        for await (const event of stream) events.push(event.type);
      });
      for (const error of [fromGenerate, fromStream]) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as Error).message).toContain(field);
        expect((error as InvalidRequestError).provider).toBe(model.provider);
      }
      expect(events).toEqual(["error"]);
      await expect(stream.response).rejects.toBe(fromStream);
      expect(server.requests).toHaveLength(0);
    },
  );

  it("refuses a NaN deadline instead of calling without one", async () => {
    const model = make();
    const request = { messages: [{ role: "user" as const, content: "hi" }] };
    const error = await failureOf(() => model.generate(request, { deadline: Number.NaN }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toContain("deadline");
    await expect(model.stream(request, { deadline: Number.NaN }).response).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe("middleware that read the messages before the model", () => {
  it("refuse bad input typed too: rate limit by tokens, guard, observed calls with content capture", async () => {
    const model = ADAPTERS[0]![1]();
    const stacks: Array<[string, Model]> = [
      ["rateLimit", pipe(model, retry(), rateLimit({ tokensPerMinute: 100_000 }))],
      ["guard", pipe(model, guard(), timeout({ ms: 10_000 }))],
      ["observed with content capture", model],
    ];
    const seen: string[] = [];
    const stopListening = onEvent((event) => seen.push(event.type));
    const stopCapture = captureContent();
    try {
      for (const [name, stack] of stacks)
        for (const [, request, field] of BAD) {
          const fromGenerate = await failureOf(() => stack.generate(request as ModelRequest));
          const fromStream = await failureOf(() => stack.stream(request as ModelRequest).response);
          for (const error of [fromGenerate, fromStream]) {
            expect(error, `${name}: ${field}`).toBeInstanceOf(InvalidRequestError);
            expect((error as Error).message).toContain(field);
          }
        }
    } finally {
      stopCapture();
      stopListening();
    }
    // Nothing was sent, so no call was observed as started.
    expect(seen).not.toContain("model.call.started");
    expect(server.requests).toHaveLength(0);
  });
});
