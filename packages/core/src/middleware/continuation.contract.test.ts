import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../model.js";
import { scriptedModel } from "../testing/index.js";
import { buildContinuationRequest, CONTINUE_INSTRUCTION } from "./continuation.js";

const request: ModelRequest = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Describe a fox." },
  ],
};
const openai = scriptedModel(["x"], { provider: "openai" });
const anthropic = scriptedModel(["x"], { provider: "anthropic" });

describe("buildContinuationRequest (contract)", () => {
  it("keeps the partial text's trailing whitespace for providers that take an instruction", () => {
    expect(buildContinuationRequest(request, "The quick \n", openai).messages).toEqual([
      ...request.messages,
      { role: "assistant", content: "The quick \n" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
  });

  it("leaves the request alone when nothing was delivered, whatever the provider", () => {
    expect(buildContinuationRequest(request, "", openai)).toBe(request);
  });

  it("extends a caller's text prefill and still asks to continue when the provider needs it", () => {
    const prefilled: ModelRequest = {
      messages: [...request.messages, { role: "assistant", content: "Answer: " }],
    };
    expect(buildContinuationRequest(prefilled, "The fox", openai).messages).toEqual([
      ...request.messages,
      { role: "assistant", content: "Answer: The fox" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
    expect(buildContinuationRequest(prefilled, "The fox ", anthropic).messages).toEqual([
      ...request.messages,
      { role: "assistant", content: "Answer: The fox" },
    ]);
  });

  it("continues a request that has no messages of its own", () => {
    expect(buildContinuationRequest({ messages: [] }, "The fox", openai).messages).toEqual([
      { role: "assistant", content: "The fox" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
  });

  it("does not change the caller's request or its messages", () => {
    const messages = [...request.messages, { role: "assistant" as const, content: "A" }];
    const original: ModelRequest = { messages, temperature: 0.5 };
    const built = buildContinuationRequest(original, "B", openai);
    expect(original.messages).toBe(messages);
    expect(messages).toEqual([...request.messages, { role: "assistant", content: "A" }]);
    expect(built.temperature).toBe(0.5);
  });

  it("tells the model to continue without repeating or adding a preamble", () => {
    expect(CONTINUE_INSTRUCTION).toMatch(/continue/i);
    expect(CONTINUE_INSTRUCTION).toMatch(/do not repeat/i);
  });
});
