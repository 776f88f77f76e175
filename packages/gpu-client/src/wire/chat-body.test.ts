import { describe, expect, it } from "vitest";
import { chatBody, wireMessages } from "./chat-body.js";

describe("chat request bodies for self-hosted servers", () => {
  it("maps Keel messages, tool calls and results, and settings to the OpenAI wire shape", () => {
    const body = chatBody(
      {
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: [{ type: "text", text: "weather?" }] },
          {
            role: "assistant",
            content: [{ type: "tool-call", id: "c1", name: "weather", arguments: { city: "Oslo" } }],
          },
          {
            role: "tool",
            content: [{ type: "tool-result", toolCallId: "c1", name: "weather", result: { t: 3 } }],
          },
        ],
        maxOutputTokens: 50,
        temperature: 0.2,
        tools: [{ name: "weather", inputSchema: { type: "object" } }],
        providerOptions: { server: { priority: 3 }, "gpu-client": { priority: 9, sessionId: "s" } },
      },
      "m",
      true,
    );
    expect(body).toMatchObject({
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
      priority: 3,
    });
    expect(body).not.toHaveProperty("sessionId");
    const messages = body.messages as ReturnType<typeof wireMessages>;
    expect(messages[2]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
      ],
    });
    expect(messages[3]).toEqual({ role: "tool", tool_call_id: "c1", content: '{"t":3}' });
  });

  it("refuses what these servers cannot take, naming it", () => {
    expect(() => chatBody({ messages: [] }, "m", false)).toThrow(/no messages/);
    expect(() =>
      wireMessages([{ role: "user", content: [{ type: "file", mediaType: "application/pdf", data: "x" }] }]),
    ).toThrow(/file part cannot be sent/);
  });
});
