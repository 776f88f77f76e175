/**
 * A Workers-style module on Keel: POST `{ "question": "...", "tenant"?: "..." }` answers through
 * OpenAI (any OpenAI-compatible base URL) with retry and a timeout, the exact cache (an isolate's
 * memory outlives a request) and a guard (prompt injection blocked, PII redacted before the model
 * and the cache see it, API keys filtered from answers).
 *
 * Bindings: OPENAI_API_KEY, OPENAI_BASE_URL (optional), MODEL (optional, default gpt-4.1-mini).
 */
import { isKeelError, type ModelResponse, pipe, retry, timeout } from "@keel/core";
import { cache, MemoryCacheStore } from "@keel/core/cache";
import { GuardBlockedError, guard } from "@keel/core/guard";
import { openai } from "@keel/providers/openai";

interface Env {
  OPENAI_API_KEY: string;
  OPENAI_BASE_URL?: string;
  MODEL?: string;
}

const store = new MemoryCacheStore({ maxEntries: 1_000 });

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function modelFor(env: Env) {
  return pipe(
    openai(env.MODEL ?? "gpt-4.1-mini", {
      apiKey: env.OPENAI_API_KEY,
      ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    }),
    retry({ maxRetryAfterMs: 5_000 }),
    timeout({ ms: 25_000 }),
    cache({ store, ttlMs: 10 * 60_000 }),
    // Rules only: the classifier costs CPU time per request, which a worker pays per call.
    guard({ injection: { action: "block", classifier: false }, pii: { action: "redact" } }),
  );
}

const answerOf = (response: ModelResponse) => ({
  answer: response.text,
  model: response.model.served ?? response.model.requested,
  usage: response.usage,
  cached: response.cached === true,
});

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return json({ error: 'POST a JSON body { "question": "..." }' }, 405);
    const body = (await request.json().catch(() => undefined)) as
      | { question?: unknown; tenant?: unknown }
      | undefined;
    const question = body?.question;
    if (typeof question !== "string" || question.trim() === "")
      return json({ error: 'the body must be JSON with a non-empty string "question"' }, 400);
    const tenant = typeof body?.tenant === "string" ? body.tenant : "public";
    try {
      const response = await modelFor(env).generate({
        messages: [
          { role: "system", content: "You are a concise assistant." },
          { role: "user", content: question },
        ],
        tenant,
      });
      return json(answerOf(response));
    } catch (error) {
      if (error instanceof GuardBlockedError)
        return json(
          { error: error.code, stage: error.stage, findings: error.findings.map((f) => f.id) },
          422,
        );
      if (isKeelError(error))
        return json({ error: error.code, message: error.message }, error.retryable ? 503 : 502);
      throw error;
    }
  },
};
