// Bundled and run by run.ts, four at a time: one replica offering calls to the counting server
// through rateLimit on the shared Redis quota, at a fixed pace, after a "go" on stdin.
import { type Model, onEvent, pipe, rateLimit } from "@keel/core";
import { redisSharedState } from "@keel/core/node";
import { errorFromHttp, wrapModel } from "@keel/core/provider";
import { scriptedModel } from "@keel/core/testing";
import { Redis } from "ioredis";

const { url, port, replica, seconds, offeredRpm } = JSON.parse(process.argv[2]!) as {
  url: string;
  port: number;
  replica: string;
  seconds: number;
  offeredRpm: number;
};
const client = new Redis({ host: "127.0.0.1", port });
const degraded: string[] = [];
onEvent((e) => e.type === "shared-state.degraded" && degraded.push(e.error.message));
const store = redisSharedState({ client, prefix: "bench:", timeoutMs: 1_000 });

/** An OpenAI-shaped JSON call to the counting server, its usage mapped back. */
const http: Model = wrapModel(scriptedModel(["unused"], { id: "counted" }), {
  async generate(request) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-replica": replica },
      body: JSON.stringify({ messages: request.messages, max_tokens: request.maxOutputTokens }),
    });
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    if (!response.ok) throw errorFromHttp(response.status, body, response.headers, "counting");
    const { prompt_tokens: inputTokens, completion_tokens: outputTokens } = body.usage;
    return scriptedModel([
      { text: "ok", usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } },
    ]).generate(request);
  },
});
const model = pipe(
  http,
  rateLimit({
    requestsPerMinute: 600,
    tokensPerMinute: 60_000,
    burstMs: 6_000,
    maxWaitMs: 3_000,
    store,
    key: "quota",
  }),
);

await client.ping();
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const calls: Array<Promise<string>> = [];
const every = 60_000 / offeredRpm;
const started = Date.now();
for (let i = 0; Date.now() - started < seconds * 1000; i++) {
  const tokens = 40 + ((i * 7) % 21);
  const request = {
    messages: [{ role: "user" as const, content: "x".repeat(tokens * 4) }],
    maxOutputTokens: tokens,
  };
  calls.push(
    model.generate(request).then(
      () => "ok",
      (e: { code?: string }) => e.code ?? "untyped",
    ),
  );
  await new Promise((r) => setTimeout(r, Math.max(0, started + (i + 1) * every - Date.now())));
}
const outcomes: Record<string, number> = {};
for (const code of await Promise.all(calls)) outcomes[code] = (outcomes[code] ?? 0) + 1;
process.stdout.write(`${JSON.stringify({ offered: calls.length, outcomes, degraded })}\n`);
client.disconnect();
process.stdin.destroy();
