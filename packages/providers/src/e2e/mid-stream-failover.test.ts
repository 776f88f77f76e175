/**
 * A stream that breaks mid-way on one provider continues on another, through the real SDKs: the
 * caller reads the first model's partial text and then only the new part of the second model's
 * continuation (which, as scripted here, starts by repeating the partial's last words).
 */
import { CONTINUE_INSTRUCTION, fallback, type Model, pipe, retry } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RecordedRequest, startTestServer, type TestServer } from "../testing/index.js";
import {
  ASK,
  collectUnhandledRejections,
  expectNoOpenSockets,
  MODEL_IDS,
  modelOn,
  PROVIDER_OF,
  type Protocol,
} from "./harness.js";

/** The whole answer, as the caller should read it. */
const ANSWER = "The quick brown fox jumps over the lazy dog.";
/** What the first model streams before its connection is reset: four word deltas. */
const PARTIAL = "The quick brown fox";
const PARTIAL_CHUNKS = 4;
/** The second model's continuation starts by repeating the partial's last two words. */
const REPEATED = "brown fox";
const CONTINUATION = `${REPEATED} jumps over the lazy dog.`;

let first: TestServer;
let second: TestServer;
const unhandled = collectUnhandledRejections();

beforeAll(async () => {
  [first, second] = await Promise.all([startTestServer(), startTestServer()]);
});
beforeEach(() => {
  first.reset();
  second.reset();
});
afterEach(async () => {
  await expectNoOpenSockets(first);
  await expectNoOpenSockets(second);
  expect(first.openConnections() + second.openConnections()).toBe(0);
  expect(unhandled.reasons).toEqual([]);
});
afterAll(async () => {
  unhandled.dispose();
  await Promise.all([first?.close(), second?.close()]);
});

/** A request's conversation as role + text, whatever the protocol's shape. */
function conversation(request: RecordedRequest): Array<{ role: string; text: string }> {
  const textOf = (content: unknown): string =>
    typeof content === "string"
      ? content
      : (content as Array<{ text?: string }>).map((part) => part.text ?? "").join("");
  if (request.protocol === "gemini") {
    return request.body.contents.map((c: { role: string; parts: unknown }) => ({
      role: c.role === "model" ? "assistant" : c.role,
      text: textOf(c.parts),
    }));
  }
  return request.body.messages.map((m: { role: string; content: unknown }) => ({
    role: m.role,
    text: textOf(m.content),
  }));
}

function occurrences(text: string, span: string): number {
  return text.split(span).length - 1;
}

describe.each<[Protocol, Protocol]>([
  ["openai", "anthropic"],
  ["anthropic", "gemini"],
  ["gemini", "openai"],
])("a %s stream reset mid-way continues on %s", (from, to) => {
  it("without repeating what the caller already has", async () => {
    first.enqueue({ fault: "reset-mid-stream", afterChunks: PARTIAL_CHUNKS, text: ANSWER });
    second.enqueue({ text: CONTINUATION });
    const primary = modelOn(first, from, MODEL_IDS[from].primary);
    const backup = modelOn(second, to, MODEL_IDS[to].backup);
    const model: Model = pipe(primary, retry({ baseDelayMs: 1 }), fallback([backup]));

    const stream = model.stream(ASK, { deadline: Date.now() + 10_000 });
    let received = "";
    for await (const event of stream) if (event.type === "text-delta") received += event.text;
    const response = await stream.response;

    // The partial, then the continuation without the two words it repeated.
    expect(received).toBe(PARTIAL + CONTINUATION.slice(REPEATED.length));
    expect(received).toBe(ANSWER);
    expect(occurrences(received, REPEATED)).toBe(1);
    expect(response.text).toBe(received);
    expect(response.provider).toBe(PROVIDER_OF[to]);
    expect(response.failovers).toEqual([
      {
        from: MODEL_IDS[from].primary,
        to: MODEL_IDS[to].backup,
        errorCode: "network",
        deliveredText: PARTIAL,
      },
    ]);

    // Text had reached the caller, so the first model was not retried.
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    const turns = conversation(second.requests[0]!);
    const original = ASK.messages[0]!.content as string;
    if (to === "anthropic") {
      // Anthropic continues a final assistant turn itself (prefill): the partial goes last, with
      // its trailing whitespace trimmed as the API requires, and no instruction follows it.
      expect(turns).toEqual([
        { role: "user", text: original },
        { role: "assistant", text: PARTIAL.trimEnd() },
      ]);
    } else {
      expect(turns).toEqual([
        { role: "user", text: original },
        { role: "assistant", text: PARTIAL },
        { role: "user", text: CONTINUE_INSTRUCTION },
      ]);
    }
  });
});
