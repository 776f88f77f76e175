import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../model.js";
import { scriptedModel } from "../testing/index.js";
import { buildContinuationRequest, CONTINUE_INSTRUCTION } from "./continuation.js";

const request: ModelRequest = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Describe a fox." },
  ],
  temperature: 0.2,
};

describe("buildContinuationRequest", () => {
  it("appends the partial answer as an assistant message and asks to continue", () => {
    const next = scriptedModel(["x"], { provider: "openai" });
    expect(buildContinuationRequest(request, "The quick brown ", next)).toEqual({
      ...request,
      messages: [
        ...request.messages,
        { role: "assistant", content: "The quick brown " },
        { role: "user", content: CONTINUE_INSTRUCTION },
      ],
    });
  });

  it("uses a bare assistant prefill for Anthropic, without trailing whitespace", () => {
    const next = scriptedModel(["x"], { provider: "anthropic" });
    const built = buildContinuationRequest(request, "The quick brown \n", next);
    expect(built.messages).toEqual([...request.messages, { role: "assistant", content: "The quick brown" }]);
  });

  it("extends the caller's own trailing assistant prefill instead of adding a second one", () => {
    const next = scriptedModel(["x"], { provider: "anthropic" });
    const prefilled: ModelRequest = {
      messages: [...request.messages, { role: "assistant", content: [{ type: "text", text: "{" }] }],
    };
    expect(buildContinuationRequest(prefilled, '"a": 1', next).messages.at(-1)).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "{" },
        { type: "text", text: '"a": 1' },
      ],
    });
  });

  it("leaves the request alone when there is no text to continue", () => {
    const next = scriptedModel(["x"], { provider: "anthropic" });
    expect(buildContinuationRequest(request, "  ", next)).toBe(request);
  });
});
