import { InvalidRequestError, type Message } from "@keel/core";
import { describe, expect, it } from "vitest";
import { toChatHistory } from "./to-chat-history.js";

const call = { type: "tool-call" as const, id: "c1", name: "weather", arguments: { city: "Oslo" } };

describe("toChatHistory", () => {
  it("maps system, user and assistant messages, joining text parts", () => {
    const messages: Message[] = [
      {
        role: "system",
        content: [
          { type: "text", text: "Be " },
          { type: "text", text: "brief." },
        ],
      },
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "greet" },
          { type: "text", text: "Hello" },
        ],
      },
      { role: "user", content: "Again" },
    ];
    expect(toChatHistory(messages)).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Hi" },
      {
        type: "model",
        response: [{ type: "segment", segmentType: "thought", text: "greet", ended: true }, "Hello"],
      },
      { type: "user", text: "Again" },
    ]);
  });

  it("puts tool results into the calls and keeps a tool loop in one model turn", () => {
    const messages: Message[] = [
      { role: "user", content: "Weather?" },
      { role: "assistant", content: [{ type: "text", text: "Checking." }, call] },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "c1", name: "weather", result: { temp: 3 } }],
      },
      { role: "assistant", content: "It is 3 degrees." },
    ];
    expect(toChatHistory(messages)).toEqual([
      { type: "user", text: "Weather?" },
      {
        type: "model",
        response: [
          "Checking.",
          { type: "functionCall", name: "weather", params: { city: "Oslo" }, result: { temp: 3 } },
          "It is 3 degrees.",
        ],
      },
    ]);
  });

  it("marks failed tool results as errors", () => {
    const [, turn] = toChatHistory([
      { role: "user", content: "Weather?" },
      { role: "assistant", content: [call] },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "c1", name: "weather", result: "down", isError: true }],
      },
    ]);
    expect(turn).toEqual({
      type: "model",
      response: [
        { type: "functionCall", name: "weather", params: { city: "Oslo" }, result: { error: "down" } },
      ],
    });
  });

  it("fails with InvalidRequestError on images, unanswered calls and stray results", () => {
    const cases: Message[][] = [
      [{ role: "user", content: [{ type: "image", mediaType: "image/png", data: "AA" }] }],
      [
        { role: "user", content: "x" },
        { role: "assistant", content: [call] },
      ],
      [{ role: "tool", content: [{ type: "tool-result", toolCallId: "nope", name: "w", result: 1 }] }],
    ];
    for (const messages of cases) expect(() => toChatHistory(messages)).toThrow(InvalidRequestError);
  });
});
