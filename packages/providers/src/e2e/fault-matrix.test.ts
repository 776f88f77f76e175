/**
 * Every fault the wire test server can produce × OpenAI, Anthropic and Gemini, through the real
 * official SDKs and the real middleware: `pipe(primary, retry, fallback([second]))`.
 *
 * - With a healthy second endpoint every call succeeds, served by the second endpoint.
 * - With no healthy path (the second endpoint faulty too) every call ends in the typed error the
 *   adapters document for that fault.
 *
 * Every call has a deadline and must settle before it (a correctness bound: nothing hangs), no
 * promise rejection goes unhandled, and no socket is left open once each batch is done.
 */
import {
  fallback,
  fallbackAttempts,
  type KeelError,
  type Model,
  NetworkError,
  OutputParseError,
  OverloadedError,
  ProviderUnavailableError,
  pipe,
  QuotaExhaustedError,
  RateLimitedError,
  retry,
  TimeoutError,
  timeout,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_FAULT_TEXT,
  FAULT_KINDS,
  type FaultKind,
  type ScriptedResponse,
  startTestServer,
  type TestServer,
} from "../testing/index.js";
import {
  type CallMode,
  collectUnhandledRejections,
  expectNoOpenSockets,
  MODEL_IDS,
  mapLimit,
  modelOn,
  PROTOCOLS,
  PROVIDER_OF,
  type Protocol,
  type Settled,
  settle,
} from "./harness.js";

/** Calls per fault × protocol with a healthy second endpoint: half `generate`, half `stream`. */
const CALLS = 50;
/** Calls per fault × protocol with no healthy path (as many as with one: the issue asks for 50). */
const CALLS_NO_HEALTHY_PATH = 50;
/** Calls in flight at once. */
const PARALLEL = 10;
/** Calls in flight at once in batches whose calls mostly wait out a stall: they load no CPU while waiting. */
const PARALLEL_WAITING = 50;
/** Each call's deadline, from its start: generous, since it is a bound on hanging, not a speed target. */
const DEADLINE_MS = 10_000;
/**
 * Per-attempt limits of each endpoint's `timeout`: a total limit (what ends a stalled non-streamed
 * body) and a stream stall limit. Tight where the batch injects stalls, so they are cut fast; far
 * above any normal latency elsewhere, so a loaded machine cannot trip them and turn the fault under
 * test into a timeout. A healthy second endpoint always gets the loose ones.
 */
const TIGHT_LIMITS = { ms: 250, idleMs: 120 };
const LOOSE_LIMITS = { ms: 8_000, idleMs: 4_000 };
/** Faults that only a `timeout` can end. */
const TIMER_FAULTS: ReadonlySet<FaultKind> = new Set(["stall", "slow-first-byte"]);
/** How long stalls and slow first bytes last: far past the limits, so only the `timeout` ends them. */
const STALL_MS = 30_000;
const RETRY_AFTER_MS = 2;
const RETRY = { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 5 };
const HEALTHY_TEXT = "Served by the healthy second endpoint.";

type ErrorClass = abstract new (...args: never[]) => KeelError;

/** What the server is told to do for each fault; delays are small so the suite runs fast. */
function scriptFor(fault: FaultKind): ScriptedResponse {
  switch (fault) {
    case "rate-limit":
      return { fault, retryAfterMs: RETRY_AFTER_MS };
    case "stall":
      return { fault, stallMs: STALL_MS };
    case "slow-first-byte":
      return { fault, delayMs: STALL_MS };
    default:
      return { fault } as ScriptedResponse;
  }
}

/**
 * The Keel error each fault ends in, per protocol, as each adapter documents it. The same class for
 * `generate` and `stream`. Where protocols differ, the reason:
 * - `unavailable` is a 503. OpenAI's 503 body says "overloaded" and Gemini maps 503 to overloaded;
 *   Anthropic's 503 is a plain api_error (its overload signal is 529).
 * - A body broken on the way (malformed SSE line, JSON cut in half, an HTML page) is a retryable
 *   OutputParseError for OpenAI and Anthropic. The Gemini adapter maps it to ProviderUnavailableError
 *   (google/errors.ts): in a stream its SDK reports Gemini's own mid-stream error object with the
 *   same "Failed to parse stream", so the two cannot be told apart, and whole bodies follow suit.
 *   Both are retryable and both move to the fallback, so the chain treats them alike.
 * - The in-stream error event is OpenAI's server_error, Anthropic's overloaded_error, and Gemini's
 *   bare google.rpc error object (see above).
 */
const EXPECTED: Record<FaultKind, Record<Protocol, ErrorClass>> = {
  "rate-limit": same(RateLimitedError),
  "quota-exhausted": same(QuotaExhaustedError),
  "server-error": same(ProviderUnavailableError),
  unavailable: { openai: OverloadedError, anthropic: ProviderUnavailableError, gemini: OverloadedError },
  overloaded: same(OverloadedError),
  "reset-before-first-byte": same(NetworkError),
  "reset-mid-stream": same(NetworkError),
  stall: same(TimeoutError),
  "slow-first-byte": same(TimeoutError),
  "malformed-sse": wireBody(),
  "truncated-json": wireBody(),
  "wrong-content-type": wireBody(),
  "stream-error-event": {
    openai: ProviderUnavailableError,
    anthropic: OverloadedError,
    gemini: ProviderUnavailableError,
  },
};

function same(errorClass: ErrorClass): Record<Protocol, ErrorClass> {
  return { openai: errorClass, anthropic: errorClass, gemini: errorClass };
}

function wireBody(): Record<Protocol, ErrorClass> {
  return { openai: OutputParseError, anthropic: OutputParseError, gemini: ProviderUnavailableError };
}

/** The `code` of an error class (every Keel error class has a static one). */
function codeOf(errorClass: ErrorClass): string {
  return (errorClass as unknown as { code: string }).code;
}

/** Faults that cut a stream after text reached the caller: it continues on the second endpoint, never retried. */
const MID_STREAM: ReadonlySet<FaultKind> = new Set([
  "reset-mid-stream",
  "stall",
  "malformed-sse",
  "stream-error-event",
]);

let primaryServer: TestServer;
let secondServer: TestServer;
const unhandled = collectUnhandledRejections();
/** The adapters per protocol, built once so each SDK client (and its connection pool) serves every batch. */
const adapters = new Map<Protocol, { primary: Model; second: Model }>();

beforeAll(async () => {
  [primaryServer, secondServer] = await Promise.all([startTestServer(), startTestServer()]);
  for (const protocol of PROTOCOLS) {
    const ids = MODEL_IDS[protocol];
    adapters.set(protocol, {
      primary: modelOn(primaryServer, protocol, ids.primary),
      second: modelOn(secondServer, protocol, ids.backup),
    });
  }
});

beforeEach(() => {
  primaryServer.reset();
  secondServer.reset();
});

afterEach(async () => {
  // A batch leaves nothing behind: every response was read or cancelled, and no rejection went unhandled.
  await expectNoOpenSockets(primaryServer);
  await expectNoOpenSockets(secondServer);
  expect(primaryServer.openConnections() + secondServer.openConnections()).toBe(0);
  expect(unhandled.reasons).toEqual([]);
});

afterAll(async () => {
  unhandled.dispose();
  await Promise.all([primaryServer?.close(), secondServer?.close()]);
});

/** `pipe(primary, retry, fallback([second]))`, each endpoint with its own per-attempt `timeout`. */
function chainFor(protocol: Protocol, fault: FaultKind, secondHealthy: boolean): Model {
  const { primary, second } = adapters.get(protocol)!;
  const limits = TIMER_FAULTS.has(fault) ? TIGHT_LIMITS : LOOSE_LIMITS;
  return pipe(
    pipe(primary, timeout(limits)),
    retry(RETRY),
    fallback([pipe(second, timeout(secondHealthy ? LOOSE_LIMITS : limits))]),
  );
}

/** `count` calls through `chain`, alternating generate and stream, each with its own deadline. */
function runBatch(chain: Model, fault: FaultKind, count: number): Promise<Settled[]> {
  const modes = Array.from({ length: count }, (_, i): CallMode => (i % 2 === 0 ? "generate" : "stream"));
  const parallel = TIMER_FAULTS.has(fault) ? PARALLEL_WAITING : PARALLEL;
  return mapLimit(modes, parallel, (mode) => settle(chain, mode, Date.now() + DEADLINE_MS));
}

function requestsByMode(server: TestServer): Record<CallMode, number> {
  const stream = server.requests.filter((r) => r.stream).length;
  return { stream, generate: server.requests.length - stream };
}

const cells = PROTOCOLS.flatMap((protocol) => FAULT_KINDS.map((fault) => [protocol, fault] as const));

describe(`with a healthy second endpoint, ${CALLS} calls per fault and protocol all succeed`, () => {
  it.each(cells)("%s: %s", async (protocol, fault) => {
    primaryServer.setDefault(scriptFor(fault));
    secondServer.setDefault({ text: HEALTHY_TEXT });
    const ids = MODEL_IDS[protocol];
    const expected = EXPECTED[fault][protocol];

    const results = await runBatch(chainFor(protocol, fault, true), fault, CALLS);

    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.settledAt).toBeLessThan(result.deadline);
      const response = result.response!;
      expect(response.model.requested).toBe(ids.backup);
      // One hop, made for the error this fault maps to.
      expect(response.failovers).toHaveLength(1);
      const [hop] = response.failovers!;
      expect(hop).toMatchObject({ from: ids.primary, to: ids.backup, errorCode: codeOf(expected) });
      if (result.mode === "generate") {
        expect(response.text).toBe(HEALTHY_TEXT);
        expect(hop!.deliveredText).toBeUndefined();
      } else {
        // What the caller read is the response: the failed stream's partial text, then the second one's.
        expect(response.text).toBe(result.received);
        const delivered = hop!.deliveredText ?? "";
        expect(DEFAULT_FAULT_TEXT.startsWith(delivered)).toBe(true);
        expect(result.received).toBe(delivered + HEALTHY_TEXT);
        if (!MID_STREAM.has(fault)) expect(hop!.deliveredText).toBeUndefined();
      }
    }

    // Each call moved to the second endpoint exactly once.
    expect(secondServer.requests).toHaveLength(CALLS);
    // Retryable errors got a second attempt on the primary; streams only until text reached the caller.
    const attempts = requestsByMode(primaryServer);
    const perMode = CALLS / 2;
    if (TIMER_FAULTS.has(fault)) {
      // On a loaded machine an attempt can be cut before its request reached the server at all.
      expect(attempts.generate + attempts.stream).toBeLessThanOrEqual(CALLS * RETRY.maxAttempts);
    } else if (codeOf(expected) === "quota-exhausted") {
      expect(attempts).toEqual({ generate: perMode, stream: perMode });
    } else {
      expect(attempts.generate).toBe(perMode * RETRY.maxAttempts);
      if (MID_STREAM.has(fault)) {
        expect(attempts.stream).toBeGreaterThanOrEqual(perMode);
        expect(attempts.stream).toBeLessThanOrEqual(perMode * RETRY.maxAttempts);
      } else {
        expect(attempts.stream).toBe(perMode * RETRY.maxAttempts);
      }
    }
  });
});

describe(`with no healthy path, each of ${CALLS_NO_HEALTHY_PATH} calls per fault and protocol ends in the fault's typed error`, () => {
  it.each(cells)("%s: %s", async (protocol, fault) => {
    primaryServer.setDefault(scriptFor(fault));
    secondServer.setDefault(scriptFor(fault));
    const ids = MODEL_IDS[protocol];
    const expected = EXPECTED[fault][protocol];

    const results = await runBatch(chainFor(protocol, fault, false), fault, CALLS_NO_HEALTHY_PATH);

    for (const result of results) {
      expect(result.response).toBeUndefined();
      expect(result.settledAt).toBeLessThan(result.deadline);
      const error = result.error as KeelError;
      expect(error, `${result.mode}: ${String(error)}`).toBeInstanceOf(expected);
      expect(error.provider).toBe(PROVIDER_OF[protocol]);
      // Both endpoints were tried, and both failed the same way.
      const attempts = fallbackAttempts(error)!;
      expect(attempts.map((a) => [a.model, a.error.code])).toEqual([
        [ids.primary, codeOf(expected)],
        [ids.backup, codeOf(expected)],
      ]);
      // Both endpoints stream a prefix of the same scripted text: the caller got a prefix of it, the
      // second endpoint's repeat of what it already had stripped, never a span twice.
      expect(DEFAULT_FAULT_TEXT.startsWith(result.received)).toBe(true);
    }
    // One request each, unless (stall batches on a loaded machine) the tight limit cut it before it arrived.
    if (TIMER_FAULTS.has(fault))
      expect(secondServer.requests.length).toBeLessThanOrEqual(CALLS_NO_HEALTHY_PATH);
    else expect(secondServer.requests).toHaveLength(CALLS_NO_HEALTHY_PATH);
  });
});
