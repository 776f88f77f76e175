import type { Model, ModelRequest } from "../../model.js";
import { wrapModel } from "../../pipe.js";
import { errorFromHttp } from "../../provider/error-from-http.js";
import { scriptedModel } from "../../testing/scripted-model.js";

/**
 * A Keel model that sends each `generate` to the counting server as an OpenAI chat-completions
 * request over real HTTP and maps its answer (usage included) or its error status (through the
 * provider kit's status table) back. Streams are not used by the replica tests.
 */
export function httpModel(url: string, replica: string, holdMs = 0): Model {
  const base = scriptedModel(["unused"], { id: "counted", provider: "counting" });
  return wrapModel(base, {
    async generate(request: ModelRequest, options) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-replica": replica, "x-hold-ms": String(holdMs) },
        body: JSON.stringify({
          model: "counted",
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          max_tokens: request.maxOutputTokens,
        }),
        ...(options?.signal ? { signal: options.signal } : {}),
      });
      const body = (await response.json()) as {
        usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      };
      if (!response.ok) throw errorFromHttp(response.status, body, response.headers, "counting");
      const usage = body.usage!;
      return scriptedModel([
        {
          text: "ok",
          usage: {
            inputTokens: usage.prompt_tokens,
            outputTokens: usage.completion_tokens,
            totalTokens: usage.total_tokens,
          },
        },
      ]).generate(request);
    },
  });
}
