/**
 * Resilience, fully offline: real OpenAI and Anthropic SDK traffic against Keel's local
 * wire-protocol test server, through retry + fallback, with faults injected on purpose.
 *
 *   npx tsx --conditions=@keel/source examples/src/resilience.ts
 *
 * 1. A rate limit (429 with retry-after-ms) on the primary model: `retry` waits as told, then succeeds.
 * 2. The primary's stream is cut mid-answer: `fallback` continues on Anthropic from the partial
 *    answer, and the caller never sees a repeated word.
 * 3. A malformed request: a typed `InvalidRequestError`, with no pointless retry or fallback.
 * Telemetry events print as they happen; a cost report closes the run.
 */

import { fallback, isKeelError, type Model, pipe, retry, timeout } from "@keel/core";
import { CostTracker, formatCostReport, trackCost } from "@keel/core/cost";
import { consoleLogger } from "@keel/core/telemetry";
import { anthropic } from "@keel/providers/anthropic";
import { openai } from "@keel/providers/openai";
import { startTestServer } from "@keel/providers/testing";

const out = (line = "") => process.stdout.write(`${line}\n`);

const openaiHost = await startTestServer();
const anthropicHost = await startTestServer();
// Events are buffered and printed after each step so they do not interleave with streamed text.
const logged: string[] = [];
const stopLogging = consoleLogger({ write: (line) => logged.push(line) });
const flushEvents = () => {
  out("   events:");
  for (const line of logged.splice(0)) out(`     ${line.trimEnd()}`);
};
const costs = new CostTracker();

const primary = openai("gpt-4.1-mini", { baseURL: openaiHost.openaiBaseURL, apiKey: "demo" });
const backup = anthropic("claude-haiku-4-5", { baseURL: anthropicHost.anthropicBaseURL, apiKey: "demo" });
const model: Model = pipe(
  primary,
  retry({ baseDelayMs: 100 }),
  fallback([backup]),
  trackCost(costs),
  timeout({ ms: 15_000, idleMs: 3_000 }),
);
const ask = (content: string) => ({ messages: [{ role: "user" as const, content }], tenant: "acme" });

try {
  out("\n1) Rate limited, then retried (the server asks for 250 ms)");
  openaiHost.enqueue(
    { fault: "rate-limit", retryAfterMs: 250 },
    { text: "Backpressure lets a slow consumer pace a fast producer." },
  );
  const first = await model.generate(ask("What is backpressure?"));
  out(`   answer: ${first.text}`);
  out(
    `   usage: ${first.usage.inputTokens} in / ${first.usage.outputTokens} out, ${first.timings.totalMs} ms`,
  );
  flushEvents();

  out("\n2) Stream cut mid-answer, continued on the fallback model");
  openaiHost.enqueue({
    fault: "reset-mid-stream",
    afterChunks: 7,
    text: "Retries with full jitter spread clients out so that they do not return together and overload the server again.",
  });
  // The fallback repeats the last words it was given; Keel strips the overlap.
  anthropicHost.enqueue({ text: " so that they do not return together and overload the server again." });
  process.stdout.write("   stream: ");
  const stream = model.stream(ask("Why jitter retries?"));
  for await (const event of stream) if (event.type === "text-delta") process.stdout.write(event.text);
  const second = await stream.response;
  out();
  for (const hop of second.failovers ?? []) {
    out(`   failed over ${hop.from} → ${hop.to} (${hop.errorCode}) after: "${hop.deliveredText}"`);
  }
  const sent = anthropicHost.requests.at(-1)?.body as { messages?: Array<{ role: string }> } | undefined;
  out(`   the fallback was sent ${sent?.messages?.length ?? 0} messages, ending with the partial answer`);
  flushEvents();

  out("\n3) A bad request fails at once with a typed error (no retry, no fallback)");
  openaiHost.enqueue({
    error: { status: 400, message: "Unsupported parameter: 'max_tokens'", type: "invalid_request_error" },
  });
  try {
    await model.generate(ask("This request is malformed."));
  } catch (error) {
    if (!isKeelError(error)) throw error;
    out(
      `   ${error.name} code=${error.code} retryable=${error.retryable} status=${error.status}: ${error.message}`,
    );
  }
  flushEvents();

  out("\nCost (prices from Keel's model registry):");
  out(formatCostReport(costs.report()));
  out(
    `\nrequests seen: openai host ${openaiHost.requests.length}, anthropic host ${anthropicHost.requests.length}`,
  );
} finally {
  stopLogging();
  await openaiHost.close();
  await anthropicHost.close();
}
