/**
 * End-to-end: every OpenAI-compatible preset on the real `openai` SDK against the local wire test
 * server (baseURL override): the body each host is sent, reasoning fields mapped to
 * reasoning-delta, streams without usage, provider names on answers and errors, and keys.
 */
import {
  AuthenticationError,
  InvalidRequestError,
  type KeelEvent,
  type ModelRequest,
  onEvent,
  RateLimitedError,
  type StreamEvent,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RawResponse, startTestServer, type TestServer } from "../testing/index.js";
import {
  deepseek,
  fireworks,
  groq,
  lmstudio,
  mistral,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
  ollama,
  openaiCompatible,
  openrouter,
  sglang,
  tgi,
  together,
  vllm,
} from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

// `connection: close`: a fresh socket per request, so waitForIdle never closes one under the client.
const at = (extra: OpenAICompatibleSettings = {}): OpenAICompatibleSettings => ({
  baseURL: server.openaiBaseURL,
  apiKey: "key-test",
  headers: { connection: "close" },
  ...extra,
});

/** An OpenAI-style SSE answer: `data: {...}` per chunk (TGI writes `data:` with no space), then `[DONE]`. */
function sse(chunks: unknown[], options: { noSpace?: boolean; comment?: string } = {}): RawResponse {
  const prefix = options.noSpace ? "data:" : "data: ";
  const events = chunks.map((c) => `${prefix}${JSON.stringify(c)}\n\n`);
  if (options.comment) events.unshift(`: ${options.comment}\n\n`);
  return {
    status: 200,
    headers: { "content-type": "text/event-stream" },
    body: `${events.join("")}${prefix}[DONE]\n\n`,
  };
}

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: object = {}) {
  return {
    id: "chatcmpl-compat",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "served-model",
    choices: [{ index: 0, delta, finish_reason: finish, ...extra }],
  };
}

function usageChunk(prompt: number, completion: number) {
  return {
    ...chunk({}),
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

const asked: ModelRequest = {
  messages: [{ role: "user", content: "hi" }],
  temperature: 0.2,
  maxOutputTokens: 64,
};

/** Each preset: its provider name, default base URL, and the token-limit / usage parameters it is sent. */
const presets: Array<{
  name: string;
  make: OpenAICompatibleProvider;
  baseURL: string;
  maxTokens: "max_tokens" | "max_completion_tokens";
  asksUsage: boolean;
}> = [
  {
    name: "groq",
    make: groq,
    baseURL: "https://api.groq.com/openai/v1",
    maxTokens: "max_completion_tokens",
    asksUsage: true,
  },
  {
    name: "together",
    make: together,
    baseURL: "https://api.together.xyz/v1",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  {
    name: "fireworks",
    make: fireworks,
    baseURL: "https://api.fireworks.ai/inference/v1",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  {
    name: "deepseek",
    make: deepseek,
    baseURL: "https://api.deepseek.com",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  {
    name: "mistral",
    make: mistral,
    baseURL: "https://api.mistral.ai/v1",
    maxTokens: "max_tokens",
    asksUsage: false,
  },
  {
    name: "openrouter",
    make: openrouter,
    baseURL: "https://openrouter.ai/api/v1",
    maxTokens: "max_tokens",
    asksUsage: false,
  },
  { name: "vllm", make: vllm, baseURL: "http://localhost:8000/v1", maxTokens: "max_tokens", asksUsage: true },
  {
    name: "sglang",
    make: sglang,
    baseURL: "http://localhost:30000/v1",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  {
    name: "ollama",
    make: ollama,
    baseURL: "http://localhost:11434/v1",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  {
    name: "lmstudio",
    make: lmstudio,
    baseURL: "http://localhost:1234/v1",
    maxTokens: "max_tokens",
    asksUsage: true,
  },
  { name: "tgi", make: tgi, baseURL: "http://localhost:8080/v1", maxTokens: "max_tokens", asksUsage: true },
];

describe.each(presets)("$name preset", ({ name, make, baseURL, maxTokens, asksUsage }) => {
  it(`calls ${baseURL}/chat/completions by default`, async () => {
    const urls: string[] = [];
    // A fetch that records where the SDK sends the request and answers with a stock completion.
    const recordingFetch: typeof fetch = async (input) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return Response.json({
        id: "c",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      });
    };
    await make("some-model", { apiKey: "k", fetch: recordingFetch }).generate(asked);
    expect(urls).toEqual([`${baseURL}/chat/completions`]);
  });

  it(`streams with ${maxTokens}${asksUsage ? " and include_usage" : ", without stream_options"}; names itself "${name}"`, async () => {
    server.enqueue({ text: "Hello there", usage: { input: 5, output: 2 } });
    const stream = make("some-model", at()).stream(asked);
    const response = await stream.response;
    expect(server.requests[0]!.body).toEqual({
      model: "some-model",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      [maxTokens]: 64,
      stream: true,
      ...(asksUsage ? { stream_options: { include_usage: true } } : {}),
    });
    expect(server.requests[0]!.headers.authorization).toBe("Bearer key-test");
    expect(server.requests[0]!.headers["x-stainless-retry-count"]).toBe("0");
    expect(response.provider).toBe(name);
    expect(response.text).toBe("Hello there");
    expect(make("some-model", at()).provider).toBe(name);
  });

  it("generate sends no stream fields and maps the answer", async () => {
    server.enqueue({ text: "Fine", usage: { input: 4, output: 1 } });
    const response = await make("some-model", at()).generate(asked);
    expect(server.requests[0]!.body).toEqual({
      model: "some-model",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      [maxTokens]: 64,
    });
    expect(response).toMatchObject({ text: "Fine", provider: name, finishReason: "stop" });
    expect(response.usage).toMatchObject({ inputTokens: 4, outputTokens: 1, totalTokens: 5 });
  });

  it("maps reasoning fields in a scripted stream to reasoning-delta", async () => {
    // Each host's own field first; `reasoning_content` (DeepSeek, vLLM, SGLang, LM Studio) is the default.
    const field = ["groq", "openrouter"].includes(name) ? "reasoning" : "reasoning_content";
    server.enqueue(
      sse([
        chunk({ role: "assistant", [field]: "Let me " }),
        chunk({ [field]: "think." }),
        chunk({ content: "42" }),
        chunk({}, "stop"),
        usageChunk(9, 7),
      ]),
    );
    const stream = make("some-model", at()).stream({ messages: [{ role: "user", content: "?" }] });
    const events = await collect(stream);
    expect(events.filter((e) => e.type === "reasoning-delta")).toEqual([
      { type: "reasoning-delta", text: "Let me " },
      { type: "reasoning-delta", text: "think." },
    ]);
    const response = await stream.response;
    expect(response.content).toEqual([
      { type: "reasoning", text: "Let me think." },
      { type: "text", text: "42" },
    ]);
    expect(response.usage).toMatchObject({ inputTokens: 9, outputTokens: 7 });
  });
});

describe("streams without usage", () => {
  it("leave usage at zero and report model.usage.missing", async () => {
    const seen: KeelEvent[] = [];
    const off = onEvent((event) => seen.push(event));
    try {
      server.enqueue(sse([chunk({ content: "no usage here" }), chunk({}, "stop")]));
      const response = await ollama("llama3.2", at()).stream({ messages: [{ role: "user", content: "hi" }] })
        .response;
      expect(response.text).toBe("no usage here");
      expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
      expect(seen.filter((e) => e.type === "model.usage.missing")).toEqual([
        expect.objectContaining({ provider: "ollama", model: "llama3.2", stream: true }),
      ]);
    } finally {
      off();
    }
  });

  it("Mistral's unasked usage on the finish chunk is read", async () => {
    server.enqueue(
      sse([
        chunk({ content: "Bonjour" }),
        {
          ...chunk({}, "stop"),
          usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
        },
      ]),
    );
    const response = await mistral("mistral-small-latest", at()).stream({
      messages: [{ role: "user", content: "hi" }],
    }).response;
    expect(server.requests[0]!.body).not.toHaveProperty("stream_options");
    expect(response.usage).toEqual({ inputTokens: 6, outputTokens: 3, totalTokens: 9 });
  });

  it("Groq's x_groq.usage is read when no usage chunk comes", async () => {
    server.enqueue(
      sse([
        chunk({ content: "fast" }),
        {
          ...chunk({}, "stop"),
          x_groq: { id: "req_01", usage: { prompt_tokens: 23, completion_tokens: 19, total_tokens: 42 } },
        },
      ]),
    );
    const response = await groq("llama-3.3-70b-versatile", at()).stream({
      messages: [{ role: "user", content: "hi" }],
    }).response;
    expect(response.usage).toEqual({ inputTokens: 23, outputTokens: 19, totalTokens: 42 });
  });
});

describe("host-specific request shapes", () => {
  it("Mistral: seed is random_seed", async () => {
    await mistral("mistral-large-latest", at()).generate({
      messages: [{ role: "user", content: "hi" }],
      seed: 7,
    });
    expect(server.requests[0]!.body).toEqual({
      model: "mistral-large-latest",
      messages: [{ role: "user", content: "hi" }],
      random_seed: 7,
    });
  });

  it("vLLM: top_k and vLLM extras from providerOptions.vllm; stop_reason in the answer is tolerated", async () => {
    server.enqueue(
      sse([
        chunk({ role: "assistant", content: "Paris" }, null, { stop_reason: null, logprobs: null }),
        chunk({}, "stop", { stop_reason: "END" }),
        usageChunk(3, 1),
      ]),
    );
    const response = await vllm("Qwen/Qwen3-4B", at()).stream({
      messages: [{ role: "user", content: "hi" }],
      topK: 20,
      stop: ["END"],
      providerOptions: { vllm: { min_p: 0.05, repetition_penalty: 1.1 } },
    }).response;
    expect(server.requests[0]!.body).toEqual({
      model: "Qwen/Qwen3-4B",
      messages: [{ role: "user", content: "hi" }],
      top_k: 20,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
      min_p: 0.05,
      repetition_penalty: 1.1,
    });
    expect(response).toMatchObject({ text: "Paris", finishReason: "stop", rawFinishReason: "stop" });
    expect(response.usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
  });

  it("vLLM: a non-streamed answer keeps stop_reason (the matched stop string) in raw", async () => {
    server.enqueue({
      status: 200,
      json: {
        id: "chatcmpl-v",
        object: "chat.completion",
        created: 1,
        model: "Qwen/Qwen3-4B",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "Paris", reasoning_content: null, tool_calls: [] },
            logprobs: null,
            finish_reason: "stop",
            stop_reason: "END",
          },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, prompt_tokens_details: null },
        prompt_logprobs: null,
        kv_transfer_params: null,
      },
    });
    const response = await vllm("Qwen/Qwen3-4B", at()).generate({
      messages: [{ role: "user", content: "hi" }],
      stop: ["END"],
    });
    expect(response.content).toEqual([{ type: "text", text: "Paris" }]);
    expect(response.finishReason).toBe("stop");
    expect((response.raw as { choices: Array<{ stop_reason: string }> }).choices[0]!.stop_reason).toBe("END");
  });

  it("OpenRouter: reasoning as an object (budget or effort), SSE comment lines skipped", async () => {
    server.enqueue(
      sse([chunk({ reasoning: "hmm" }), chunk({ content: "yes" }), chunk({}, "stop")], {
        comment: "OPENROUTER PROCESSING",
      }),
    );
    const model = openrouter("anthropic/claude-sonnet-4.5", at());
    const streamed = await model.stream({
      messages: [{ role: "user", content: "hi" }],
      reasoning: { budgetTokens: 2000 },
    }).response;
    expect(server.requests[0]!.body.reasoning).toEqual({ max_tokens: 2000 });
    expect(server.requests[0]!.body).not.toHaveProperty("reasoning_effort");
    expect(streamed.content).toEqual([
      { type: "reasoning", text: "hmm" },
      { type: "text", text: "yes" },
    ]);
    await model.generate({ messages: [{ role: "user", content: "hi" }], reasoning: { effort: "high" } });
    expect(server.requests[1]!.body.reasoning).toEqual({ effort: "high" });
  });

  it("a reasoning_content field on a non-streamed message becomes a reasoning part", async () => {
    server.enqueue({
      status: 200,
      json: {
        id: "c1",
        object: "chat.completion",
        created: 1,
        model: "deepseek-reasoner",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "4", reasoning_content: "2+2 is 4." },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 },
      },
    });
    const response = await deepseek("deepseek-reasoner", at()).generate({
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.content).toEqual([
      { type: "reasoning", text: "2+2 is 4." },
      { type: "text", text: "4" },
    ]);
    expect(response.text).toBe("4");
  });

  it("options a host has no parameter for fail by name, or are left out when dropUnsupported says so", async () => {
    await expect(
      deepseek("deepseek-chat", at()).generate({ messages: [{ role: "user", content: "hi" }], seed: 1 }),
    ).rejects.toThrow(/deepseek has no parameter for `seed`/);
    const error = await groq("llama", at())
      .generate({ messages: [{ role: "user", content: "hi" }], topK: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ provider: "groq" });
    expect(server.requests).toHaveLength(0);
    await deepseek("deepseek-chat", at({ dropUnsupported: ["seed", "topK"] })).generate({
      messages: [{ role: "user", content: "hi" }],
      seed: 1,
      topK: 3,
      temperature: 0.5,
    });
    expect(server.requests[0]!.body).toEqual({
      model: "deepseek-chat",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.5,
    });
  });

  it("per-model quirks override the preset's (a newer server that takes max_completion_tokens)", async () => {
    await vllm("m", at({ quirks: { maxTokensParam: "max_completion_tokens" } })).generate({
      messages: [{ role: "user", content: "hi" }],
      maxOutputTokens: 10,
    });
    expect(server.requests[0]!.body).toEqual({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      max_completion_tokens: 10,
    });
  });
});

describe("openaiCompatible() for any other host", () => {
  it("uses the given name, base URL, headers and quirks", async () => {
    const myHost = openaiCompatible({
      provider: "my-host",
      baseURL: server.openaiBaseURL,
      apiKey: "host-key",
      headers: { "x-host": "1", connection: "close" },
      quirks: { topK: true, adaptBody: (body) => ({ ...body, custom: true }) },
      capabilities: () => ({ vision: true }),
    });
    const model = myHost("m1");
    expect(model.provider).toBe("my-host");
    expect(model.capabilities).toMatchObject({ vision: true, tools: true, reasoning: false });
    await model.generate({
      messages: [{ role: "user", content: "hi" }],
      topK: 4,
      providerOptions: { "my-host": { extra: "x" } },
    });
    const request = server.requests[0]!;
    expect(request.body).toEqual({
      model: "m1",
      messages: [{ role: "user", content: "hi" }],
      top_k: 4,
      extra: "x",
      custom: true,
    });
    expect(request.headers).toMatchObject({ authorization: "Bearer host-key", "x-host": "1" });
  });

  it("errors carry the host's name: TGI's {error, error_type} 429 is rate-limited", async () => {
    server.enqueue({
      status: 429,
      headers: { "content-type": "application/json" },
      json: { error: "Model is overloaded", error_type: "overloaded" },
    });
    const error = await tgi("tgi", at())
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ provider: "tgi", status: 429 });
    expect((error as Error).message).toContain("Model is overloaded");
  });

  it("a hosted preset without a key fails with AuthenticationError and never sends OPENAI_API_KEY", async () => {
    const saved = { openai: process.env.OPENAI_API_KEY, together: process.env.TOGETHER_API_KEY };
    process.env.OPENAI_API_KEY = "sk-openai-secret";
    delete process.env.TOGETHER_API_KEY;
    try {
      const error = await together("m", { baseURL: server.openaiBaseURL })
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toMatch(
        /together: no API key configured \(pass apiKey or set TOGETHER_API_KEY\)/,
      );
      expect(server.requests).toHaveLength(0);
      process.env.TOGETHER_API_KEY = "tg-from-env";
      await together("m", at({ apiKey: undefined })).generate({
        messages: [{ role: "user", content: "hi" }],
      });
      expect(server.requests[0]!.headers.authorization).toBe("Bearer tg-from-env");
    } finally {
      restore("OPENAI_API_KEY", saved.openai);
      restore("TOGETHER_API_KEY", saved.together);
    }
  });

  it("a self-hosted preset sends its placeholder key when none is configured", async () => {
    await vllm("m", at({ apiKey: undefined })).generate({ messages: [{ role: "user", content: "hi" }] });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${process.env.VLLM_API_KEY ?? "EMPTY"}`);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
