/**
 * The caller's abort goes through the whole chain — `timeout`, `retry`, `fallback` — down to the
 * real SDK: the HTTP request is cancelled (the server sees its socket close), the call rejects
 * with AbortedError, and nothing is retried or sent to the fallback model afterwards.
 */
import {
  AbortedError,
  EventHub,
  fallback,
  type KeelEvent,
  type Model,
  pipe,
  retry,
  type StreamEvent,
  timeout,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import {
  ASK,
  collectUnhandledRejections,
  expectNoOpenSockets,
  MODEL_IDS,
  modelOn,
  PROTOCOLS,
  type Protocol,
  settle,
  until,
} from "./harness.js";

/** Long enough that only a cancelled request explains a response ending early. */
const STALL_MS = 60_000;
/** How long to keep watching for a retry or fallback that should never come. */
const GRACE_MS = 100;

let primaryServer: TestServer;
let backupServer: TestServer;
let seen: KeelEvent[];
const unhandled = collectUnhandledRejections();

beforeAll(async () => {
  [primaryServer, backupServer] = await Promise.all([startTestServer(), startTestServer()]);
});
beforeEach(() => {
  primaryServer.reset();
  backupServer.reset();
});
afterEach(async () => {
  await expectNoOpenSockets(primaryServer);
  await expectNoOpenSockets(backupServer);
  expect(primaryServer.openConnections() + backupServer.openConnections()).toBe(0);
  expect(unhandled.reasons).toEqual([]);
});
afterAll(async () => {
  unhandled.dispose();
  await Promise.all([primaryServer?.close(), backupServer?.close()]);
});

/** timeout (per attempt) → retry → fallback to a healthy backup; every middleware reports to one hub. */
function chain(protocol: Protocol): Model {
  const hub = new EventHub();
  seen = [];
  hub.on((event) => seen.push(event));
  const { primary, backup } = MODEL_IDS[protocol];
  return pipe(
    pipe(modelOn(primaryServer, protocol, primary), timeout({ ms: 30_000, idleMs: 20_000, events: hub })),
    retry({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, events: hub }),
    fallback([modelOn(backupServer, protocol, backup)], { events: hub }),
  );
}

/** Nothing happened after the abort: one request in all, no retry, no fallback, no timeout. */
async function expectNothingAfterAbort(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
  expect(primaryServer.requests).toHaveLength(1);
  expect(backupServer.requests).toHaveLength(0);
  expect(seen.map((event) => event.type)).toEqual(["retry.attempted"]);
}

/** The server saw the client drop the connection: the stalled response would otherwise hold it for a minute. */
async function expectConnectionClosedByClient(): Promise<void> {
  await until(() => primaryServer.inFlight() === 0);
  await primaryServer.waitForIdle();
  expect(primaryServer.openConnections()).toBe(0);
}

describe.each(PROTOCOLS)("%s: the caller aborts", (protocol) => {
  it("mid-stream: the socket closes, the stream rejects with AbortedError, nothing is retried or moved", async () => {
    primaryServer.setDefault({
      fault: "stall",
      afterChunks: 2,
      stallMs: STALL_MS,
      text: "one two three four",
    });
    backupServer.setDefault({ text: "the backup must not be asked" });
    const controller = new AbortController();
    const stream = chain(protocol).stream(ASK, { signal: controller.signal });
    const events: StreamEvent[] = [];
    let texts = 0;
    const error = await (async () => {
      for await (const event of stream) {
        events.push(event);
        if (event.type === "text-delta" && ++texts === 2) controller.abort();
      }
    })().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortedError);
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text)).toEqual([
      "one",
      " two",
    ]);
    await expectConnectionClosedByClient();
    await expectNothingAfterAbort();
  });

  it("while waiting for the first byte: generate rejects with AbortedError and the socket closes", async () => {
    primaryServer.setDefault({ fault: "slow-first-byte", delayMs: STALL_MS });
    const controller = new AbortController();
    const call = settle(chain(protocol), "generate", Date.now() + 30_000, ASK, { signal: controller.signal });
    await until(() => primaryServer.requests.length === 1);
    controller.abort();

    expect((await call).error).toBeInstanceOf(AbortedError);
    await expectConnectionClosedByClient();
    await expectNothingAfterAbort();
  });

  it("during a retry wait: the call rejects with AbortedError at once, with no second attempt", async () => {
    // A long provider-requested wait: only the abort can end it early.
    primaryServer.setDefault({ fault: "rate-limit", retryAfterMs: STALL_MS / 2 });
    const controller = new AbortController();
    const model = chain(protocol);
    const call = settle(model, "stream", Date.now() + STALL_MS, ASK, { signal: controller.signal });
    await until(() => seen.some((event) => event.type === "retry.scheduled"));
    const abortedAt = Date.now();
    controller.abort();

    const result = await call;
    expect(result.error).toBeInstanceOf(AbortedError);
    // The wait was cut short (a bound far below the 30 s it would have lasted, not a speed target).
    expect(result.settledAt - abortedAt).toBeLessThan(STALL_MS / 4);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    expect(primaryServer.requests).toHaveLength(1);
    expect(backupServer.requests).toHaveLength(0);
    expect(seen.map((event) => event.type)).toEqual(["retry.attempted", "retry.scheduled"]);
  });
});
