/**
 * Small helpers for the end-to-end suites: Keel models on the wire test server through the real
 * official SDKs, calls that record when they settled, bounded parallelism, and a collector for
 * unhandled promise rejections.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Model, ModelRequest, ModelResponse } from "@keel/core";
import { OpenAI } from "openai";
import { anthropic } from "../anthropic/index.js";
import { google } from "../google/index.js";
import { openai } from "../openai/index.js";
import type { TestServer } from "../testing/index.js";

/** The three wire protocols, named as the test server records them. */
export const PROTOCOLS = ["openai", "anthropic", "gemini"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Model ids per protocol: a primary and a backup, so a response says which one served it. */
export const MODEL_IDS: Record<Protocol, { primary: string; backup: string }> = {
  openai: { primary: "gpt-4o", backup: "gpt-4o-mini" },
  anthropic: { primary: "claude-opus-4-6", backup: "claude-haiku-4-5" },
  gemini: { primary: "gemini-2.5-flash", backup: "gemini-2.5-flash-lite" },
};

/** The Keel provider name each protocol's adapter reports. */
export const PROVIDER_OF: Record<Protocol, string> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "google",
};

/**
 * A Keel model speaking `protocol` to `server` through its official SDK (retries off: Keel's
 * middleware owns them). The SDKs' own log output is off: they print every unparseable SSE line,
 * which the fault suites produce on purpose and the adapters already turn into typed errors.
 */
export function modelOn(server: TestServer, protocol: Protocol, modelId: string): Model {
  switch (protocol) {
    case "openai":
      return openai(modelId, {
        client: new OpenAI({ baseURL: server.openaiBaseURL, apiKey: "test", maxRetries: 0, logLevel: "off" }),
      });
    case "anthropic":
      return anthropic(modelId, {
        client: new Anthropic({
          baseURL: server.anthropicBaseURL,
          apiKey: "test",
          maxRetries: 0,
          logLevel: "off",
        }),
      });
    case "gemini":
      return google(modelId, { apiKey: "test", baseUrl: server.geminiBaseURL });
  }
}

/** A one-turn request. */
export const ASK: ModelRequest = { messages: [{ role: "user", content: "Say something." }] };

/** How a call is made: one `generate`, or a `stream` read to the end. */
export type CallMode = "generate" | "stream";

/** How one call ended. */
export interface Settled {
  mode: CallMode;
  /** The response, when the call succeeded. */
  response?: ModelResponse;
  /** What it threw, when it failed. */
  error?: unknown;
  /** Streams: the caller's text, every text-delta concatenated in order. */
  received: string;
  /** `Date.now()` when the call settled. */
  settledAt: number;
  /** The deadline the call was given. */
  deadline: number;
}

/**
 * Makes one call with `deadline` in its options and records when it settled. A stream is read to
 * its end and then its `response` awaited, as a caller would.
 */
export async function settle(
  model: Model,
  mode: CallMode,
  deadline: number,
  request: ModelRequest = ASK,
  options: { signal?: AbortSignal } = {},
): Promise<Settled> {
  const callOptions = { deadline, ...options };
  let received = "";
  try {
    let response: ModelResponse;
    if (mode === "generate") {
      response = await model.generate(request, callOptions);
    } else {
      const stream = model.stream(request, callOptions);
      for await (const event of stream) if (event.type === "text-delta") received += event.text;
      response = await stream.response;
    }
    return { mode, response, received, settledAt: Date.now(), deadline };
  } catch (error) {
    return { mode, error, received, settledAt: Date.now(), deadline };
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results come back in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Collects every unhandled promise rejection of this process until disposed. */
export function collectUnhandledRejections(): { readonly reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown) => {
    reasons.push(reason);
  };
  process.on("unhandledRejection", onRejection);
  return { reasons, dispose: () => process.off("unhandledRejection", onRejection) };
}

/**
 * Fails unless nothing leaked on `server`: no socket carries an unfinished response (`waitForIdle`
 * rejects then) and the open-socket count settles at 0. A client's pool may finish opening a
 * connection for a request that was cancelled before it was sent; that socket arrives idle after
 * the call settled, so each round closes what came late and looks again.
 */
export async function expectNoOpenSockets(server: TestServer, rounds = 5): Promise<void> {
  for (let round = 1; ; round++) {
    await server.waitForIdle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (server.openConnections() === 0 && server.inFlight() === 0) return;
    if (round === rounds) {
      throw new Error(
        `${server.openConnections()} socket(s) open, ${server.inFlight()} response(s) in flight after ${rounds} rounds of waitForIdle`,
      );
    }
  }
}

/** Waits until `condition` holds, polling every few milliseconds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
