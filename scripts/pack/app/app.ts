// An adopter's app, as the pack check installs it from the tarballs: strict TypeScript, compiled
// with `tsc`, run with `node`. Real OpenAI and Anthropic SDK traffic against Keel's wire test server.
import { fallback, isKeelError, type Model, pipe, retry, timeout } from "@keel/core";
import { anthropic } from "@keel/providers/anthropic";
import { openai } from "@keel/providers/openai";
import { startTestServer } from "@keel/providers/testing";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`install test: ${what}`);
}

const openaiHost = await startTestServer();
const anthropicHost = await startTestServer();
try {
  const model: Model = pipe(
    openai("gpt-4.1-mini", { baseURL: openaiHost.openaiBaseURL, apiKey: "test" }),
    retry({ baseDelayMs: 10 }),
    fallback([anthropic("claude-haiku-4-5", { baseURL: anthropicHost.anthropicBaseURL, apiKey: "test" })]),
    timeout({ ms: 20_000 }),
  );
  const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });

  openaiHost.enqueue({ fault: "rate-limit", retryAfterMs: 10 }, { text: "Backpressure paces producers." });
  const first = await model.generate(ask("What is backpressure?"));
  check(
    first.text === "Backpressure paces producers.",
    `generate after a retry answered ${JSON.stringify(first.text)}`,
  );

  openaiHost.enqueue({ fault: "reset-mid-stream", afterChunks: 3, text: "One two three four five six." });
  anthropicHost.enqueue({ text: " four five six." });
  const stream = model.stream(ask("Count to six."));
  let streamed = "";
  for await (const event of stream) if (event.type === "text-delta") streamed += event.text;
  const second = await stream.response;
  check(second.text === streamed, "the stream's response text matches its deltas");
  check((second.failovers ?? []).length === 1, "the cut stream failed over once");

  openaiHost.enqueue({ error: { status: 400, message: "bad parameter", type: "invalid_request_error" } });
  const failure = await model.generate(ask("malformed")).catch((error: unknown) => error);
  check(
    isKeelError(failure) && failure.code === "invalid-request",
    "a 400 becomes a typed invalid-request error",
  );

  process.stdout.write(
    `install test app: ok (${openaiHost.requests.length + anthropicHost.requests.length} requests)\n`,
  );
} finally {
  await openaiHost.close();
  await anthropicHost.close();
}
