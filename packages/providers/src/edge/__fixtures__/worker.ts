/**
 * A Cloudflare Worker built on Keel the way an edge function would use it: core middleware (retry,
 * fallback, timeout, the exact cache with its in-memory store) around the remote adapters on their
 * official SDKs. edge-bundle.test.ts bundles it with esbuild for the browser/workerd conditions
 * and runs it in the real workerd runtime, against the wire test server on 127.0.0.1.
 *
 * POST / answers with JSON of the normalized responses of three calls: a `generate` (OpenAI, retried
 * after a 429), the same `generate` again (served from the cache) and a `stream` (OpenAI reset mid-way,
 * continued on Anthropic). With GEMINI_BASE_URL bound it adds a Gemini `generate`.
 */
import {
  fallback,
  type Model,
  type ModelRequest,
  type ModelResponse,
  pipe,
  retry,
  timeout,
} from "@keel/core";
import { cache, MemoryCacheStore } from "@keel/core/cache";
import { anthropic } from "@keel/providers/anthropic";
import { google } from "@keel/providers/google";
import { openai } from "@keel/providers/openai";

/** Text bindings set in the workerd config. */
interface Env {
  OPENAI_BASE_URL: string;
  ANTHROPIC_BASE_URL: string;
  GEMINI_BASE_URL?: string;
}

/** What the test asserts on: the normalized response without its raw payload and timings. */
function summary(response: ModelResponse, received?: string) {
  return {
    text: response.text,
    ...(received !== undefined ? { received } : {}),
    provider: response.provider,
    model: response.model,
    usage: response.usage,
    finishReason: response.finishReason,
    failovers: response.failovers ?? [],
    cached: response.cached === true,
  };
}

// Module scope: the store outlives a request, as a worker isolate's memory does.
const store = new MemoryCacheStore({ maxEntries: 100 });

function chain(env: Env): Model {
  return pipe(
    openai("gpt-4o", { apiKey: "test", baseURL: env.OPENAI_BASE_URL }),
    retry({ baseDelayMs: 1, maxRetryAfterMs: 1_000 }),
    fallback([anthropic("claude-haiku-4-5", { apiKey: "test", baseURL: env.ANTHROPIC_BASE_URL })]),
    timeout({ ms: 10_000 }),
    cache({ store, ttlMs: 60_000 }),
  );
}

const ask = (content: string): ModelRequest => ({ messages: [{ role: "user", content }] });

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    try {
      const model = chain(env);
      const generated = await model.generate(ask("Say hello."));
      const cachedAgain = await model.generate(ask("Say hello."));

      const stream = model.stream(ask("Tell me about the fox."));
      let received = "";
      for await (const event of stream) if (event.type === "text-delta") received += event.text;
      const streamed = await stream.response;

      const gemini = env.GEMINI_BASE_URL
        ? summary(
            await google("gemini-2.5-flash", { apiKey: "test", baseUrl: env.GEMINI_BASE_URL }).generate(
              ask("Hi."),
            ),
          )
        : undefined;

      return Response.json({
        generate: summary(generated),
        cachedGenerate: summary(cachedAgain),
        stream: summary(streamed, received),
        ...(gemini ? { gemini } : {}),
        runtime: navigator.userAgent,
        // Proof that no Node global was there to lean on.
        nodeGlobals: { process: typeof process, Buffer: typeof Buffer },
      });
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string; stack?: string };
      return Response.json(
        { error: { name: e.name, code: e.code, message: e.message, stack: e.stack } },
        { status: 500 },
      );
    }
  },
};
