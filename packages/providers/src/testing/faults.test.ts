import Anthropic from "@anthropic-ai/sdk";
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
} from "@google/generative-ai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_AFTER_CHUNKS, DEFAULT_FAULT_TEXT } from "./faults.js";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";
import { splitText } from "./text-chunks.js";
import type { FaultKind, FaultResponse, WireProtocol } from "./types.js";
import { FAULT_KINDS } from "./validate.js";

let server: TestServer;
let sdk: Record<
  Exclude<WireProtocol, "unknown">,
  (stream: boolean, texts: string[], signal?: AbortSignal) => Promise<unknown>
>;

beforeAll(async () => {
  server = await startTestServer();
  const openai = new OpenAI({
    baseURL: server.openaiBaseURL,
    apiKey: "test",
    maxRetries: 0,
    logLevel: "off",
  });
  const anthropic = new Anthropic({ baseURL: server.anthropicBaseURL, apiKey: "test", maxRetries: 0 });
  const gemini = new GoogleGenerativeAI("test").getGenerativeModel(
    { model: "gemini-2.0-flash" },
    { baseUrl: server.geminiBaseURL },
  );
  // Each call collects streamed text deltas into `texts`, so partial output is visible after a failure.
  sdk = {
    openai: async (stream, texts, signal) => {
      const body = { model: "gpt-4o", messages: [{ role: "user" as const, content: "hi" }] };
      if (!stream) return openai.chat.completions.create(body, { signal });
      const events = await openai.chat.completions.create({ ...body, stream: true }, { signal });
      for await (const chunk of events)
        if (chunk.choices[0]?.delta.content) texts.push(chunk.choices[0].delta.content);
      return texts.join("");
    },
    anthropic: async (stream, texts, signal) => {
      const body = {
        model: "claude-test-model",
        max_tokens: 64,
        messages: [{ role: "user" as const, content: "hi" }],
      };
      if (!stream) return anthropic.messages.create(body, { signal });
      const events = await anthropic.messages.create({ ...body, stream: true }, { signal });
      for await (const event of events) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          texts.push(event.delta.text);
      }
      return texts.join("");
    },
    gemini: async (stream, texts, signal) => {
      if (!stream) return (await gemini.generateContent("hi", { signal })).response.text();
      const result = await gemini.generateContentStream("hi", { signal });
      // The SDK's aggregated promise rejects too when the stream fails; it is not what we read here.
      result.response.catch(() => {});
      for await (const chunk of result.stream) texts.push(chunk.text());
      return texts.join("");
    },
  };
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const partial = splitText(DEFAULT_FAULT_TEXT).slice(0, DEFAULT_AFTER_CHUNKS).join("");
const protocols = ["openai", "anthropic", "gemini"] as const;
type Protocol = (typeof protocols)[number];

interface Observed {
  result?: unknown;
  error?: any;
  texts: string[];
}

async function observe(protocol: Protocol, fault: FaultResponse, stream: boolean): Promise<Observed> {
  server.enqueue(fault);
  const texts: string[] = [];
  try {
    return { result: await sdk[protocol](stream, texts), texts };
  } catch (error) {
    return { error, texts };
  }
}

const isConnectionError = (protocol: Protocol, error: unknown) =>
  protocol === "openai"
    ? error instanceof OpenAI.APIConnectionError
    : protocol === "anthropic"
      ? error instanceof Anthropic.APIConnectionError
      : error instanceof GoogleGenerativeAIError && /fetch failed/.test(error.message);

/** Status of an SDK's HTTP error (Gemini's fetch error carries it too). */
const statusOf = (error: any): number | undefined =>
  error instanceof GoogleGenerativeAIFetchError ? error.status : error?.status;

const SPECS: Record<FaultKind, FaultResponse> = {
  "rate-limit": { fault: "rate-limit", retryAfterMs: 1500, retryAfterSeconds: 2 },
  "quota-exhausted": { fault: "quota-exhausted" },
  "server-error": { fault: "server-error" },
  unavailable: { fault: "unavailable" },
  overloaded: { fault: "overloaded" },
  "reset-before-first-byte": { fault: "reset-before-first-byte" },
  "reset-mid-stream": { fault: "reset-mid-stream" },
  stall: { fault: "stall", stallMs: 30 },
  // biome-ignore lint/suspicious/noThenProperty: the test-server API names the follow-up answer `then`.
  "slow-first-byte": { fault: "slow-first-byte", delayMs: 30, then: { text: "late but fine" } },
  "malformed-sse": { fault: "malformed-sse" },
  "truncated-json": { fault: "truncated-json" },
  "wrong-content-type": { fault: "wrong-content-type" },
  "stream-error-event": { fault: "stream-error-event" },
};

/** What each SDK must observe for each fault, streamed and not. */
const EXPECT: Record<FaultKind, (protocol: Protocol, seen: Observed, stream: boolean) => void> = {
  "rate-limit": (protocol, { error }) => {
    expect(statusOf(error)).toBe(429);
    if (protocol === "gemini") {
      expect(error.errorDetails).toContainEqual({
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: "1.5s",
      });
    } else {
      expect(error.headers.get("retry-after-ms")).toBe("1500");
      expect(error.headers.get("retry-after")).toBe("2");
    }
  },
  "quota-exhausted": (protocol, { error }) => {
    if (protocol === "openai") {
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.code).toBe("insufficient_quota");
    } else if (protocol === "anthropic") {
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.error.error.message).toMatch(/credit balance is too low/);
    } else {
      expect(statusOf(error)).toBe(429);
      expect(JSON.stringify(error.errorDetails)).toMatch(/PerDay/);
    }
  },
  "server-error": (_protocol, { error }) => expect(statusOf(error)).toBe(500),
  unavailable: (_protocol, { error }) => expect(statusOf(error)).toBe(503),
  overloaded: (protocol, { error }) => {
    expect(statusOf(error)).toBe(protocol === "anthropic" ? 529 : 503);
    if (protocol === "anthropic") expect(error.error.error.type).toBe("overloaded_error");
  },
  "reset-before-first-byte": (protocol, { error }) => expect(isConnectionError(protocol, error)).toBe(true),
  "reset-mid-stream": (protocol, { error, texts }, stream) => {
    // undici reports a body cut short as TypeError("terminated"); the Gemini SDK wraps it when streaming.
    if (protocol === "gemini" && stream) expect(error.message).toMatch(/Error reading from the stream/);
    else expect(error).toMatchObject({ name: "TypeError", message: "terminated" });
    if (stream) expectPartial(protocol, texts);
  },
  stall: (_protocol, { error, result, texts }, stream) => {
    expect(error).toBeUndefined();
    if (stream) expect(texts.join("")).toBe(DEFAULT_FAULT_TEXT);
    else expect(JSON.stringify(result)).toContain(DEFAULT_FAULT_TEXT);
  },
  "slow-first-byte": (_protocol, { error, result }) => {
    expect(error).toBeUndefined();
    expect(JSON.stringify(result)).toContain("late but fine");
  },
  "malformed-sse": (protocol, { error, texts }, stream) => {
    if (protocol === "gemini" && stream) expect(error.message).toMatch(/Error parsing JSON response/);
    else expect(error).toBeInstanceOf(SyntaxError);
    if (stream) expectPartial(protocol, texts);
  },
  "truncated-json": (protocol, { error, result }, stream) => {
    if (!stream) expect(error).toBeInstanceOf(SyntaxError);
    else if (protocol === "gemini") expect(error.message).toMatch(/Failed to parse stream/);
    // The OpenAI and Anthropic SDKs find no SSE events in a JSON body: an adapter must check content-type.
    else expect(result).toBe("");
  },
  "wrong-content-type": (protocol, { error, result }, stream) => {
    if (protocol === "gemini")
      expect(error.message).toMatch(stream ? /Failed to parse stream/ : /not valid JSON/);
    // Non-JSON bodies come back as text (non-stream) or as no events (stream): an adapter must check content-type.
    else expect(result).toEqual(stream ? "" : expect.stringMatching(/^<html>/));
  },
  "stream-error-event": (protocol, { error, texts }, stream) => {
    if (!stream) {
      expect(statusOf(error)).toBe(protocol === "anthropic" ? 529 : 500);
      return;
    }
    if (protocol === "openai") {
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error.type).toBe("server_error");
    } else if (protocol === "anthropic") {
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    } else {
      // Gemini (as recorded from Vertex) appends a bare JSON error the SDK cannot frame.
      expect(error.message).toMatch(/Failed to parse stream/);
    }
    expectPartial(protocol, texts);
  },
};

/**
 * The text delivered before a mid-stream fault. The Gemini SDK's ReadableStream drops chunks that
 * were queued when the stream errors, so for it the delivered text is a prefix of the partial text.
 */
function expectPartial(protocol: Protocol, texts: string[]): void {
  if (protocol === "gemini") expect(partial.startsWith(texts.join(""))).toBe(true);
  else expect(texts.join("")).toBe(partial);
}

describe.each(protocols)("every fault through the %s SDK", (protocol) => {
  it.each(
    FAULT_KINDS.flatMap((fault) => [
      { fault, stream: false },
      { fault, stream: true },
    ]),
  )("$fault (stream: $stream)", async ({ fault, stream }) => {
    const seen = await observe(protocol, SPECS[fault], stream);
    EXPECT[fault](protocol, seen, stream);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ protocol, stream });
  });
});

describe("stalls", () => {
  it.each(protocols)("really stop writing and are released when the %s client aborts", async (protocol) => {
    server.enqueue({ fault: "stall", stallMs: 60_000, afterChunks: 1, text: "one two three" });
    const controller = new AbortController();
    const texts: string[] = [];
    const call = sdk[protocol](true, texts, controller.signal).catch((error) => error);
    await expect.poll(() => texts.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    // Nothing more arrives while stalled.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(texts).toEqual(["one"]);
    expect(server.inFlight()).toBe(1);
    controller.abort();
    await call;
    await server.waitForIdle();
    expect(server.inFlight()).toBe(0);
    expect(server.openConnections()).toBe(0);
  });

  it("end when the server closes, without waiting out stallMs", async () => {
    const own = await startTestServer();
    own.enqueue({ fault: "stall", stallMs: 60_000, afterChunks: 0 });
    const res = await fetch(`${own.openaiBaseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [], stream: true }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(own.inFlight()).toBe(1);
    await own.close();
    expect(own.inFlight()).toBe(0);
    expect(own.openConnections()).toBe(0);
    await expect(reader.read()).rejects.toThrow();
  });
});

describe("no socket is left open", () => {
  it("after every fault above, once idle keep-alive sockets are closed", async () => {
    await server.waitForIdle();
    expect(server.openConnections()).toBe(0);
    expect(server.inFlight()).toBe(0);
  });
});
