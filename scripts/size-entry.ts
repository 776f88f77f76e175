/**
 * The smallest real worker Keel should serve: one HTTP model with retry, fallback to a second
 * endpoint, and the exact-match cache. scripts/check-size.mjs bundles it and enforces the budget.
 */
import { fallback, type Model, type ModelRequest, pipe, retry, type StreamEvent } from "@keel/core";
import { cache, MemoryCacheStore } from "@keel/core/cache";
import { createModelStream, toKeelError } from "@keel/core/provider";

/** A minimal model over an OpenAI-compatible, non-streaming chat endpoint. */
function httpModel(id: string, url: string, apiKey: string): Model {
  async function* call(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: id, messages: request.messages }),
      signal,
    });
    if (!res.ok) throw toKeelError(new Error(`HTTP ${res.status}: ${await res.text()}`), "http");
    const body = (await res.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    yield { type: "text-delta", text: body.choices[0]?.message.content ?? "" };
    const { prompt_tokens: input, completion_tokens: output } = body.usage;
    yield { type: "usage", usage: { inputTokens: input, outputTokens: output, totalTokens: input + output } };
    yield { type: "finish", finishReason: "stop" };
  }
  const model: Model = {
    provider: "http",
    id,
    capabilities: { streaming: true, tools: false, jsonSchema: false, vision: false, reasoning: false },
    stream: (request, options) =>
      createModelStream((signal) => call(request, signal), {
        provider: "http",
        model: id,
        ...(options ? { options } : {}),
      }),
    generate: (request, options) => model.stream(request, options).response,
  };
  return model;
}

interface Env {
  API_KEY: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const model = pipe(
      httpModel("primary-model", "https://primary.example/v1/chat/completions", env.API_KEY),
      retry(),
      fallback([httpModel("backup-model", "https://backup.example/v1/chat/completions", env.API_KEY)]),
      cache({ store: store, ttlMs: 60_000 }),
    );
    const { prompt } = (await request.json()) as { prompt: string };
    const answer = await model.generate({ messages: [{ role: "user", content: prompt }] });
    return Response.json({ text: answer.text, cached: answer.cached === true });
  },
};

const store = new MemoryCacheStore({ maxEntries: 1000 });
