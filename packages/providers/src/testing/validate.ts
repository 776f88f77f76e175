import { InvalidRequestError } from "@keel/core";
import { resolveFixture } from "./fixture-replay.js";
import type { FaultKind, ScriptedResponse } from "./types.js";

const FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "rate-limit",
  "quota-exhausted",
  "server-error",
  "unavailable",
  "overloaded",
  "reset-before-first-byte",
  "reset-mid-stream",
  "stall",
  "slow-first-byte",
  "malformed-sse",
  "truncated-json",
  "wrong-content-type",
  "stream-error-event",
]);

/** Every fault kind the server knows, for tests that iterate over all of them. */
export const FAULT_KINDS: readonly FaultKind[] = [...FAULTS];

/**
 * Checks a scripted response before it is queued, so a typo fails the test that wrote it
 * (with a message saying what is wrong) instead of surfacing as an odd answer later.
 */
export function validateScriptedResponse(response: ScriptedResponse, fixturesDir: string | undefined): void {
  const fail = (why: string): never => {
    throw new InvalidRequestError(
      `keel test server: invalid scripted response ${safeJson(response)}: ${why}`,
    );
  };
  if (typeof response !== "object" || response === null) fail("expected an object");
  const r = response as Record<string, any>;
  nonNegative(r.chunkDelayMs, "chunkDelayMs", fail);
  if ("fixture" in r) {
    resolveFixture(r.fixture, fixturesDir);
    if (r.status !== undefined) status(r.status, fail);
    return;
  }
  if ("fault" in r) {
    if (!FAULTS.has(r.fault)) fail(`unknown fault "${r.fault}"; known: ${[...FAULTS].join(", ")}`);
    nonNegative(r.retryAfterMs, "retryAfterMs", fail);
    nonNegative(r.retryAfterSeconds, "retryAfterSeconds", fail);
    nonNegative(r.afterChunks, "afterChunks", fail);
    if (r.fault === "stall") required(r.stallMs, "stallMs", fail);
    if (r.fault === "slow-first-byte") {
      required(r.delayMs, "delayMs", fail);
      if (r.then !== undefined) validateScriptedResponse(r.then, fixturesDir);
    }
    if (r.text !== undefined && typeof r.text !== "string") fail("text must be a string");
    return;
  }
  if ("text" in r) {
    if (typeof r.text !== "string") fail("text must be a string");
    if (r.chunks !== undefined && (!Number.isInteger(r.chunks) || r.chunks < 1))
      fail("chunks must be a positive integer");
    if (r.toolCalls !== undefined && !Array.isArray(r.toolCalls)) fail("toolCalls must be an array");
    for (const call of r.toolCalls ?? []) {
      if (typeof call?.name !== "string" || call.name === "") fail("every tool call needs a name");
    }
    if (r.usage !== undefined) {
      required(r.usage?.input, "usage.input", fail);
      required(r.usage?.output, "usage.output", fail);
    }
    return;
  }
  if ("error" in r) {
    status(r.error?.status, fail);
    if (typeof r.error?.message !== "string") fail("error.message must be a string");
    return;
  }
  if ("status" in r) {
    status(r.status, fail);
    if (r.json !== undefined && r.body !== undefined) fail("give json or body, not both");
    if (r.body !== undefined && typeof r.body !== "string") fail("body must be a string");
    return;
  }
  fail("expected one of { fixture }, { text }, { status }, { error }, { fault }");
}

function nonNegative(value: unknown, name: string, fail: (why: string) => never): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    fail(`${name} must be a non-negative number`);
  }
}

function required(value: unknown, name: string, fail: (why: string) => never): void {
  if (value === undefined) fail(`${name} is required`);
  nonNegative(value, name, fail);
}

function status(value: unknown, fail: (why: string) => never): void {
  if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 599) {
    fail("status must be an HTTP status code (100-599)");
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
