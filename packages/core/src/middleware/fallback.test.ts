import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  AuthenticationError,
  CircuitOpenError,
  ContentFilteredError,
  ContextLengthExceededError,
  InvalidRequestError,
  type KeelError,
  KeelError as KeelErrorClass,
  NetworkError,
  OutputParseError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { Model, ModelRequest, StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { CONTINUE_INSTRUCTION } from "./continuation.js";
import { fallback } from "./fallback.js";
import { fallbackAttempts } from "./fallback-route.js";

const request: ModelRequest = { messages: [{ role: "user", content: "Describe a fox." }] };

function model(id: string, script: ScriptStep[], provider = id, contextWindow?: number) {
  return scriptedModel(script, {
    id,
    provider,
    ...(contextWindow !== undefined ? { capabilities: { contextWindow } } : {}),
  });
}

function recordEvents(): { hub: EventHub; seen: KeelEvent[] } {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  return { hub, seen };
}

/** Iterates a stream, returning the caller's concatenated text and the events it saw. */
async function consume(stream: AsyncIterable<StreamEvent>): Promise<{ text: string; events: StreamEvent[] }> {
  const events: StreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return { text: events.map((e) => (e.type === "text-delta" ? e.text : "")).join(""), events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("fallback routing by error class", () => {
  it.each<[string, KeelError, boolean]>([
    ["rate-limited", new RateLimitedError("429", { retryAfterMs: 1000 }), true],
    ["quota-exhausted", new QuotaExhaustedError("no credit"), true],
    ["overloaded", new OverloadedError("529"), true],
    ["provider-unavailable", new ProviderUnavailableError("503"), true],
    ["network", new NetworkError("ECONNRESET"), true],
    ["timeout (the model's own)", new TimeoutError("stalled"), true],
    ["circuit-open", new CircuitOpenError("open"), true],
    ["unknown but retryable", new KeelErrorClass("odd", { retryable: true }), true],
    ["unknown", new KeelErrorClass("odd"), false],
    ["content-filtered", new ContentFilteredError("blocked"), false],
    ["invalid-request", new InvalidRequestError("bad"), false],
    ["authentication", new AuthenticationError("401"), false],
    ["permission", new PermissionError("403"), false],
    ["output-parse (the model's answer)", new OutputParseError("bad json"), false],
    // A body broken on the way (truncated, malformed SSE, a proxy's HTML page) says nothing about another endpoint.
    [
      "output-parse marked retryable (a broken wire body)",
      new OutputParseError("cut", { retryable: true }),
      true,
    ],
    ["aborted", new AbortedError("stop"), false],
  ])("%s → falls back: %s", async (_code, error, moves) => {
    const primary = model("primary", [error], "openai");
    const backup = model("backup", ["from backup"], "anthropic");
    const call = pipe(primary, fallback([backup])).generate(request);
    if (moves) {
      const response = await call;
      expect(response.text).toBe("from backup");
      expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: error.code }]);
    } else {
      await expect(call).rejects.toBe(error);
      expect(backup.requests).toHaveLength(0);
    }
  });

  it("prefers a model of another provider after an availability error", async () => {
    const primary = model("gpt-a", [new RateLimitedError("429")], "openai");
    const sameProvider = model("gpt-b", ["same"], "openai");
    const otherProvider = model("claude", ["other"], "anthropic");
    const response = await pipe(primary, fallback([sameProvider, otherProvider])).generate(request);
    expect(response.text).toBe("other");
    expect(sameProvider.requests).toHaveLength(0);
  });

  it("keeps list order when preferOtherProvider is off", async () => {
    const primary = model("gpt-a", [new RateLimitedError("429")], "openai");
    const sameProvider = model("gpt-b", ["same"], "openai");
    const otherProvider = model("claude", ["other"], "anthropic");
    const wrapped = pipe(primary, fallback([sameProvider, otherProvider], { preferOtherProvider: false }));
    expect((await wrapped.generate(request)).text).toBe("same");
  });

  it("falls back to a same-provider model when no other provider is left", async () => {
    const primary = model("gpt-a", [new OverloadedError("busy")], "openai");
    const sameProvider = model("gpt-b", ["same"], "openai");
    expect((await pipe(primary, fallback([sameProvider])).generate(request)).text).toBe("same");
  });

  it("lets shouldFallback override the policy", async () => {
    const primary = model("primary", [new ContentFilteredError("blocked")], "openai");
    const backup = model("backup", ["lenient"], "local");
    const wrapped = pipe(
      primary,
      fallback([backup], { shouldFallback: (e) => e.code === "content-filtered" }),
    );
    expect((await wrapped.generate(request)).text).toBe("lenient");
  });

  it("does not fall back when the caller's own deadline fired", async () => {
    vi.useFakeTimers();
    const primary = model("primary", [{ text: "slow", delayMs: 5_000 }]);
    const backup = model("backup", ["fast"]);
    const call = pipe(primary, fallback([backup])).generate(request, { deadline: Date.now() + 1_000 });
    const settled = expect(call).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
    expect(backup.requests).toHaveLength(0);
  });

  it("does not fall back when the caller aborted", async () => {
    const primary = model("primary", [{ text: "slow", delayMs: 60_000 }]);
    const backup = model("backup", ["fast"]);
    const controller = new AbortController();
    const call = pipe(primary, fallback([backup])).generate(request, { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    expect(backup.requests).toHaveLength(0);
  });

  it("emits fallback.taken with the call's context", async () => {
    const { hub, seen } = recordEvents();
    const error = new OverloadedError("busy");
    const wrapped = pipe(model("primary", [error]), fallback([model("backup", ["ok"])], { events: hub }));
    await wrapped.generate(request, { context: { runId: "r1" } });
    expect(seen).toEqual([
      expect.objectContaining({
        type: "fallback.taken",
        from: "primary",
        to: "backup",
        error,
        midStream: false,
        context: { runId: "r1" },
      }),
    ]);
  });

  it("rejects an empty model list", () => {
    expect(() => fallback([])).toThrow(InvalidRequestError);
  });
});

describe("fallback on context-length-exceeded", () => {
  const tooLong = () => new ContextLengthExceededError("prompt too long");

  it("moves to the next model with a larger window, skipping smaller and unknown ones", async () => {
    const primary = model("mid", [tooLong()], "openai", 8_000);
    const small = model("small", ["small"], "anthropic", 4_000);
    const unknown = model("unknown", ["unknown"], "anthropic");
    const large = model("large", ["large"], "openai", 128_000);
    const response = await pipe(primary, fallback([small, unknown, large])).generate(request);
    expect(response.text).toBe("large");
    expect(small.requests).toHaveLength(0);
    expect(unknown.requests).toHaveLength(0);
  });

  it("rethrows when no candidate has a larger window", async () => {
    const error = tooLong();
    const primary = model("big", [error], "openai", 200_000);
    const smaller = model("smaller", ["x"], "anthropic", 128_000);
    await expect(pipe(primary, fallback([smaller])).generate(request)).rejects.toBe(error);
  });

  it("never goes back to a window already too small after a later availability error", async () => {
    const primary = model("mid", [tooLong()], "openai", 8_000);
    const large = model("large", [new RateLimitedError("429")], "anthropic", 128_000);
    const small = model("small", ["small"], "google", 4_000);
    const call = pipe(primary, fallback([large, small])).generate(request);
    await expect(call).rejects.toBeInstanceOf(RateLimitedError);
    expect(small.requests).toHaveLength(0);
  });
});

describe("fallback when every model fails", () => {
  it("throws the last error, with every attempt reachable through fallbackAttempts", async () => {
    const first = new RateLimitedError("429");
    const second = new OverloadedError("529");
    const last = new ProviderUnavailableError("503");
    const wrapped = pipe(
      model("a", [first], "openai"),
      fallback([model("b", [second], "anthropic"), model("c", [last], "google")]),
    );
    const thrown = await wrapped.generate(request).catch((e: unknown) => e);
    expect(thrown).toBe(last);
    expect(fallbackAttempts(thrown)).toEqual([
      { provider: "openai", model: "a", error: first },
      { provider: "anthropic", model: "b", error: second },
      { provider: "google", model: "c", error: last },
    ]);
  });

  it("does the same for streams", async () => {
    const last = new NetworkError("reset");
    const wrapped = pipe(model("a", [new OverloadedError("busy")]), fallback([model("b", [last])]));
    const stream = wrapped.stream(request);
    await expect(consume(stream)).rejects.toBe(last);
    await expect(stream.response).rejects.toBe(last);
    expect(fallbackAttempts(last)?.map((a) => a.model)).toEqual(["a", "b"]);
  });

  it("leaves fallbackAttempts undefined for other errors", () => {
    expect(fallbackAttempts(new OverloadedError("x"))).toBeUndefined();
    expect(fallbackAttempts("nope")).toBeUndefined();
  });
});

describe("fallback for streams", () => {
  it("switches before any content reached the caller, sending the original request", async () => {
    const { hub, seen } = recordEvents();
    const primary = model("primary", [
      {
        events: [
          { type: "response-metadata", requestId: "p1" },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
    ]);
    const backup = model("backup", [{ text: "a whole answer", chunkSize: 4 }]);
    const stream = pipe(primary, fallback([backup], { events: hub })).stream(request);
    const { text } = await consume(stream);
    const response = await stream.response;
    expect(text).toBe("a whole answer");
    expect(response.text).toBe("a whole answer");
    expect(backup.requests).toEqual([request]);
    expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: "overloaded" }]);
    expect(response.model.requested).toBe("backup");
    expect(response.requestId).toBe("req_1");
    expect(seen).toEqual([expect.objectContaining({ type: "fallback.taken", midStream: false })]);
  });

  it("rethrows a mid-stream failure after a tool call reached the caller", async () => {
    const error = new NetworkError("reset");
    const primary = model("primary", [
      {
        events: [
          { type: "tool-call", call: { type: "tool-call", id: "t1", name: "search", arguments: {} } },
          { type: "fail", error },
        ],
      },
    ]);
    const backup = model("backup", ["x"]);
    await expect(consume(pipe(primary, fallback([backup])).stream(request))).rejects.toBe(error);
    expect(backup.requests).toHaveLength(0);
  });
});

describe("mid-stream failover", () => {
  /** A primary that streams `partial` in two chunks and then fails. */
  function breaksAfter(partial: string, provider = "openai"): Model {
    const cut = Math.floor(partial.length / 2);
    return model(
      "primary",
      [
        {
          events: [
            { type: "response-metadata", requestId: "p1", servedModel: "primary-2025" },
            { type: "text-delta", text: partial.slice(0, cut) },
            { type: "text-delta", text: partial.slice(cut) },
            { type: "fail", error: new NetworkError("connection reset mid-stream") },
          ],
        },
      ],
      provider,
    );
  }

  it.each([
    ["continues without repeating", "The quick brown ", "fox jumps over the lazy dog.", 3],
    ["repeats the last words", "The quick brown ", "quick brown fox jumps over the lazy dog.", 3],
    ["repeats with a leading space", "The quick brown", " brown fox jumps over the lazy dog.", 1],
    ["repeats a word cut in half", "The quick bro", "brown fox jumps over the lazy dog.", 2],
    ["restarts from the beginning", "The quick brown f", "The quick brown fox jumps over the lazy dog.", 5],
  ])("%s: caller text is the partial plus the continuation, once", async (_name, partial, said, chunk) => {
    const { hub, seen } = recordEvents();
    const backup = model("backup", [{ text: said, chunkSize: chunk }], "anthropic-compatible");
    const stream = pipe(breaksAfter(partial), fallback([backup], { events: hub })).stream(request);
    const { text } = await consume(stream);
    const response = await stream.response;

    expect(text).toBe("The quick brown fox jumps over the lazy dog.");
    expect(text.startsWith(partial)).toBe(true);
    expect(response.text).toBe(text);
    expect(response.content).toEqual([{ type: "text", text }]);
    expect(response.failovers).toEqual([
      { from: "primary", to: "backup", errorCode: "network", deliveredText: partial },
    ]);
    expect(response.model).toEqual({ requested: "backup", served: "backup" });
    expect(seen).toEqual([expect.objectContaining({ type: "fallback.taken", midStream: true })]);
  });

  it("sends the fallback model the partial text as an assistant message, then the continue instruction", async () => {
    const backup = model("backup", ["fox."], "openai-compatible");
    await consume(pipe(breaksAfter("The quick brown "), fallback([backup])).stream(request));
    expect(backup.requests).toEqual([
      {
        messages: [
          ...request.messages,
          { role: "assistant", content: "The quick brown " },
          { role: "user", content: CONTINUE_INSTRUCTION },
        ],
      },
    ]);
  });

  it("uses a bare assistant prefill for Anthropic and restores the trimmed space", async () => {
    const backup = model("claude", [" fox."], "anthropic");
    const stream = pipe(breaksAfter("The quick brown ", "openai"), fallback([backup])).stream(request);
    const { text } = await consume(stream);
    expect(backup.requests[0]?.messages).toEqual([
      ...request.messages,
      { role: "assistant", content: "The quick brown" },
    ]);
    expect(text).toBe("The quick brown fox.");
  });

  it("lets buildContinuation replace the continuation request", async () => {
    const backup = model("backup", ["fox."]);
    const wrapped = pipe(
      breaksAfter("The quick brown "),
      fallback([backup], {
        buildContinuation: (req, partial) => ({ ...req, metadata: { partial } }),
      }),
    );
    await consume(wrapped.stream(request));
    expect(backup.requests).toEqual([{ ...request, metadata: { partial: "The quick brown " } }]);
  });

  it("continues across two failovers from everything delivered so far", async () => {
    const second = model("second", [
      {
        events: [
          { type: "text-delta", text: "brown fox " },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
    ]);
    const third = model("third", [{ text: "fox jumps.", chunkSize: 3 }]);
    const stream = pipe(breaksAfter("The quick "), fallback([second, third])).stream(request);
    const { text } = await consume(stream);
    expect(text).toBe("The quick brown fox jumps.");
    expect(third.requests[0]?.messages.at(-2)).toEqual({
      role: "assistant",
      content: "The quick brown fox ",
    });
    expect((await stream.response).failovers?.map((f) => f.deliveredText)).toEqual([
      "The quick ",
      "The quick brown fox ",
    ]);
  });

  it("drops held-back continuation text that never reached the caller when the fallback fails too", async () => {
    const last = new OverloadedError("busy");
    const backup = model("backup", [
      {
        events: [
          { type: "text-delta", text: "quick" },
          { type: "fail", error: last },
        ],
      },
    ]);
    const stream = pipe(breaksAfter("The quick brown "), fallback([backup])).stream(request);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of stream) if (e.type === "text-delta") seen.push(e.text);
      })(),
    ).rejects.toBe(last);
    expect(seen.join("")).toBe("The quick brown ");
  });
});
