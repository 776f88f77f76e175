/**
 * A 429 that says how long to wait (OpenAI and Anthropic `retry-after-ms`, Gemini's `RetryInfo` in
 * the body), read by the real SDKs and the adapters, makes `retry` wait at least that long before
 * its next request, which then succeeds. The wait is measured where it matters: between the two
 * requests' arrivals at the server. A lower bound, so it holds however slow the machine is.
 */
import { EventHub, type KeelEvent, pipe, retry } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import {
  type CallMode,
  collectUnhandledRejections,
  expectNoOpenSockets,
  MODEL_IDS,
  modelOn,
  PROTOCOLS,
  settle,
} from "./harness.js";

/** What the 429 asks for; far above `baseDelayMs`, so only honouring it explains the gap. */
const RETRY_AFTER_MS = 300;
/** Fixed jitter: retry adds up to 10% on top of a provider's wait; half of that here. */
const JITTER = 0.5;
const TEXT = "Answered after waiting as asked.";

let server: TestServer;
/** When each request reached the server (its handling starts once its body is read). */
let arrivals: number[];
const unhandled = collectUnhandledRejections();

beforeAll(async () => {
  server = await startTestServer();
});
beforeEach(() => server.reset());
afterEach(async () => {
  await expectNoOpenSockets(server);
  expect(server.openConnections()).toBe(0);
  expect(unhandled.reasons).toEqual([]);
});
afterAll(async () => {
  unhandled.dispose();
  await server?.close();
});

describe.each(PROTOCOLS)("%s: a 429 with a retry delay", (protocol) => {
  it.each<CallMode>(["generate", "stream"])("%s waits at least that long, then succeeds", async (mode) => {
    arrivals = [];
    // The first request is rate limited, the next answered; the default function sees each arrival.
    server.setDefault(() => {
      arrivals.push(Date.now());
      return arrivals.length === 1 ? { fault: "rate-limit", retryAfterMs: RETRY_AFTER_MS } : { text: TEXT };
    });
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((event) => seen.push(event));
    const model = pipe(
      modelOn(server, protocol, MODEL_IDS[protocol].primary),
      retry({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, random: () => JITTER, events: hub }),
    );

    const result = await settle(model, mode, Date.now() + 10_000);

    expect(result.error).toBeUndefined();
    expect(result.response!.text).toBe(TEXT);
    expect(server.requests).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    // The wait came from the provider's hint: the adapter read it and retry planned exactly it.
    const scheduled = seen.filter((event) => event.type === "retry.scheduled");
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({
      delayMs: Math.round(RETRY_AFTER_MS * (1 + 0.1 * JITTER)),
      error: { code: "rate-limited", retryAfterMs: RETRY_AFTER_MS },
    });
  });
});
