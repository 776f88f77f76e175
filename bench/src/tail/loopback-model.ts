import { type Model, type ModelResponse, NetworkError } from "@keel/core";

/**
 * A generate-only `Model` that POSTs to the tail server with `fetch`, passing the call's signal,
 * so a hedged loser's HTTP request is really closed. Streaming is not measured here.
 */
export function loopbackModel(baseURL: string): Model {
  return {
    provider: "loopback",
    id: "tail-server",
    capabilities: { streaming: false, tools: false, jsonSchema: false, vision: false, reasoning: false },
    async generate(request, options) {
      const startedAt = performance.now();
      const res = await fetch(`${baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: request.messages }),
        ...(options?.signal ? { signal: options.signal } : {}),
      });
      if (!res.ok) throw new NetworkError(`tail server answered ${res.status}`, { status: res.status });
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      const text = body.choices[0]!.message.content;
      const response: ModelResponse = {
        content: [{ type: "text", text }],
        text,
        toolCalls: [],
        usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
        finishReason: "stop",
        provider: "loopback",
        model: { requested: "tail-server" },
        timings: { totalMs: performance.now() - startedAt },
      };
      return response;
    },
    stream() {
      throw new Error("loopbackModel: the tail benchmark measures generate only");
    },
  };
}
