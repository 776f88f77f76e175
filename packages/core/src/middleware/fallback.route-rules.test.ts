import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContextLengthExceededError,
  InvalidRequestError,
  OverloadedError,
} from "../errors.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { buildContinuationRequest, CONTINUE_INSTRUCTION } from "./continuation.js";
import { fallback } from "./fallback.js";
import { defaultShouldFallback, fallbackAttempts } from "./fallback-route.js";

const request: ModelRequest = { messages: [{ role: "user", content: "Describe a fox." }] };

function model(id: string, script: ScriptStep[], provider = id, contextWindow?: number) {
  return scriptedModel(script, {
    id,
    provider,
    ...(contextWindow !== undefined ? { capabilities: { contextWindow } } : {}),
  });
}

describe("fallback after the context ran out", () => {
  it("moves only to a strictly larger context window", () => {
    const tooLong = new ContextLengthExceededError("too long");
    const from = model("small", ["x"], "p", 8_000);
    expect(defaultShouldFallback(tooLong, from, model("same", ["x"], "q", 8_000))).toBe(false);
    expect(defaultShouldFallback(tooLong, from, model("larger", ["x"], "q", 8_001))).toBe(true);
  });

  it("never later falls back to a window no larger than one that already ran out, whatever the next error", async () => {
    const small = model("small", [new ContextLengthExceededError("too long")], "p", 8_000);
    const large = model("large", [new OverloadedError("busy")], "q", 128_000);
    const sameWindow = model("same-window", ["never"], "r", 8_000);
    const larger = model("larger", ["served"], "s", 16_000);
    const response = await pipe(small, fallback([large, sameWindow, larger])).generate(request);
    expect(response.text).toBe("served");
    expect(sameWindow.requests).toHaveLength(0);
    expect(response.failovers?.map((f) => f.to)).toEqual(["large", "larger"]);
  });

  it("keeps the list order rather than preferring another provider", async () => {
    const primary = model("gpt-small", [new ContextLengthExceededError("too long")], "openai", 8_000);
    const sameProvider = model("gpt-large", ["same provider"], "openai", 128_000);
    const otherProvider = model("claude", ["other provider"], "anthropic", 200_000);
    const response = await pipe(primary, fallback([sameProvider, otherProvider])).generate(request);
    expect(response.text).toBe("same provider");
  });
});

describe("what fallback reports", () => {
  it("lists a failover taken before any text without delivered text", async () => {
    const response = await pipe(
      model("primary", [new OverloadedError("busy")]),
      fallback([model("backup", ["ok"])]),
    ).generate(request);
    expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: "overloaded" }]);
  });

  it("lists every attempt of nested fallbacks that all failed", async () => {
    const last = new OverloadedError("last");
    const inner = pipe(
      model("a", [new OverloadedError("a")]),
      fallback([model("b", [new OverloadedError("b")])]),
    );
    const outer = pipe(inner, fallback([model("c", [last])]));
    const error = await outer.generate(request).catch((e: unknown) => e);
    expect(error).toBe(last);
    expect(fallbackAttempts(error)?.map((a) => a.model)).toEqual(["a", "c"]);
  });

  it("rethrows, through a fallback around another, an error neither may fall back from", async () => {
    const denied = new AuthenticationError("bad key");
    const inner = pipe(model("a", [new OverloadedError("a")]), fallback([model("b", [denied])]));
    const spare = model("c", ["never"]);
    const error = await pipe(inner, fallback([spare]))
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toBe(denied);
    expect(spare.requests).toHaveLength(0);
    expect(fallbackAttempts(error)?.at(-1)?.error).toBe(denied);
  });

  it("has no attempts to report for values that are not errors", () => {
    for (const value of [null, undefined, "overloaded", 42]) expect(fallbackAttempts(value)).toBeUndefined();
  });

  it("says what is missing when given no model to fall back to", () => {
    expect(() => fallback([])).toThrow(InvalidRequestError);
    expect(() => fallback([])).toThrow("fallback: give at least one model to fall back to");
  });
});

describe("continuing a caller's own assistant prefill", () => {
  const next = scriptedModel(["x"], { provider: "openai" });

  it("extends a text prefill in place and then asks to continue", () => {
    const prefilled: ModelRequest = {
      messages: [...request.messages, { role: "assistant", content: "Foxes are " }],
    };
    expect(buildContinuationRequest(prefilled, "small canids", next).messages).toEqual([
      ...request.messages,
      { role: "assistant", content: "Foxes are small canids" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
  });

  it("extends a prefill made of parts with one more text part, keeping the messages before it", () => {
    const prefilled: ModelRequest = {
      messages: [...request.messages, { role: "assistant", content: [{ type: "text", text: "{" }] }],
    };
    expect(buildContinuationRequest(prefilled, '"a": 1', next).messages).toEqual([
      ...request.messages,
      {
        role: "assistant",
        content: [
          { type: "text", text: "{" },
          { type: "text", text: '"a": 1' },
        ],
      },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
  });

  it("starts an assistant message when the request has no messages at all", () => {
    expect(buildContinuationRequest({ messages: [] }, "partial", next).messages).toEqual([
      { role: "assistant", content: "partial" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
  });
});
