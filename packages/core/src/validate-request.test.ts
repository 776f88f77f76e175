import { describe, expect, it } from "vitest";
import { linkCallOptions } from "./abort.js";
import { InvalidRequestError } from "./errors.js";
import { validateCallOptions, validateRequest } from "./validate-request.js";

/** The message of the `InvalidRequestError` that `validateRequest` throws for `request`. */
function problemOf(request: unknown): string {
  try {
    validateRequest(request, "openai");
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).provider).toBe("openai");
    return (error as Error).message;
  }
  throw new Error("the request was accepted");
}

const user = { role: "user", content: "hi" };

describe("validateRequest", () => {
  it("accepts every well-formed message and option", () => {
    expect(() =>
      validateRequest({
        messages: [
          { role: "system", content: [{ type: "text", text: "be brief", cache: true }] },
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image", mediaType: "image/png", data: "AAAA" },
              { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "", signature: "s" },
              { type: "tool-call", id: "c1", name: "add", arguments: { a: 1 } },
            ],
          },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", name: "add", result: 2 }] },
          { role: "assistant", content: "" },
        ],
        tools: [{ name: "add", inputSchema: { type: "object" } }],
        toolChoice: { type: "tool", name: "add" },
        responseFormat: { type: "json", schema: { type: "object" } },
        temperature: 0,
        topP: 1,
        topK: 40,
        seed: -3,
        stop: ["\n"],
        maxOutputTokens: 1,
        reasoning: { effort: "low", budgetTokens: 0 },
        logprobs: { top: 20 },
        providerOptions: { openai: { user: "u" } },
        tenant: "t",
      }),
    ).not.toThrow();
  });

  it.each([
    ["a string", "hi", "the request must be an object"],
    ["null", null, "the request must be an object"],
    ["messages as a string", { messages: "hi" }, '`messages` must be an array of messages, got "hi"'],
    ["a prompt instead of messages", { prompt: "hi" }, "not `prompt`"],
    ["no messages", { messages: [] }, "`messages` is empty"],
    [
      "a message that is not an object",
      { messages: ["hi"] },
      'messages[0] must be a message object, got "hi"',
    ],
  ])("refuses %s", (_, request, expected) => {
    expect(problemOf(request)).toContain(expected);
  });

  it("names the message index and the role for an unknown role", () => {
    expect(problemOf({ messages: [user, { role: "human", content: "x" }] })).toBe(
      'invalid request: messages[1].role must be system, user, assistant or tool, got "human"',
    );
    expect(problemOf({ messages: [{ role: "developer", content: "x" }] })).toContain("messages[0].role");
  });

  it("explains an OpenAI-style tool message", () => {
    const message = problemOf({
      messages: [user, { role: "tool", tool_call_id: "c1", content: "42" }],
    });
    expect(message).toContain("messages[1].content must be an array of tool-result parts");
    expect(message).toContain("`tool_call_id` is OpenAI's shape");
  });

  it.each([
    [{ role: "user" }, "messages[0].content must be a string or an array of parts, got undefined"],
    [{ role: "user", content: 42 }, "messages[0].content must be a string or an array of parts, got 42"],
    [{ role: "user", content: null }, "got null"],
    [{ role: "tool", content: [] }, "messages[0].content has no tool-result parts"],
    [
      { role: "user", content: [{ type: "text" }] },
      "messages[0].content[0].text must be a string, got undefined",
    ],
    [
      { role: "user", content: [{ type: "tool-call", id: "c", name: "n" }] },
      "messages[0].content[0].type must be text or image or file in a user message",
    ],
    [
      { role: "system", content: [{ type: "image", mediaType: "image/png", data: "A" }] },
      "content[0].type must be text in a system message",
    ],
    [
      { role: "user", content: [{ type: "image", mediaType: "image/png" }] },
      "needs `data` (base64) or `url`",
    ],
    [{ role: "user", content: [{ type: "file", data: "A" }] }, "content[0].mediaType must be a string"],
    [{ role: "assistant", content: [{ type: "tool-call", name: "n" }] }, "content[0].id must be a string"],
    [
      { role: "assistant", content: [{ type: "tool-call", id: "c", name: "" }] },
      "content[0].name must be a non-empty string",
    ],
    [
      { role: "tool", content: [{ type: "tool-result", name: "n", result: 1 }] },
      "content[0].toolCallId must be a string",
    ],
    [
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c", result: 1 }] },
      "content[0].name must be a string",
    ],
    [{ role: "user", content: [null] }, "messages[0].content[0] must be a part object, got null"],
  ])("refuses the message %j", (message, expected) => {
    expect(problemOf({ messages: [message] })).toContain(expected);
  });

  it.each([
    [{ maxOutputTokens: Number.NaN }, "`maxOutputTokens` must be a positive integer, got NaN"],
    [{ maxOutputTokens: -5 }, "got -5"],
    [{ maxOutputTokens: 0 }, "got 0"],
    [{ maxOutputTokens: 1.5 }, "got 1.5"],
    [{ maxOutputTokens: "100" }, '`maxOutputTokens` must be a positive integer, got "100"'],
    [{ temperature: Number.NaN }, "`temperature` must be a finite number, got NaN"],
    [{ topP: Number.POSITIVE_INFINITY }, "`topP` must be a finite number"],
    [{ topK: 0 }, "`topK` must be a positive integer"],
    [{ seed: 1.5 }, "`seed` must be an integer"],
    [{ stop: "\n" }, "`stop` must be an array of strings"],
    [{ stop: ["a", 1] }, "stop[1] must be a string"],
    [{ tools: {} }, "`tools` must be an array"],
    [{ tools: [{ name: "a" }] }, "tools[0].inputSchema must be a JSON Schema object"],
    [{ tools: [{ inputSchema: {} }] }, "tools[0].name must be a non-empty string"],
    [{ toolChoice: "any" }, "`toolChoice` must be"],
    [{ toolChoice: { type: "tool" } }, "`toolChoice` must be"],
    [{ responseFormat: { type: "json_schema" } }, "`responseFormat` must be"],
    [{ responseFormat: { type: "json", schema: "x" } }, "responseFormat.schema must be a JSON Schema object"],
    [{ reasoning: { effort: "max" } }, "reasoning.effort must be"],
    [{ reasoning: { budgetTokens: -1 } }, "reasoning.budgetTokens must be an integer of 0 or more"],
    [{ logprobs: { top: 21 } }, "logprobs.top must be an integer from 0 to 20"],
    [{ logprobs: true }, "`logprobs` must be an object"],
    [{ providerOptions: "x" }, "`providerOptions` must be an object"],
    [{ tenant: 1 }, "`tenant` must be a string"],
  ])("refuses the option %j", (options, expected) => {
    expect(problemOf({ messages: [user], ...options })).toContain(expected);
  });

  it("quotes at most the start of a long bad value", () => {
    const message = problemOf({ messages: "x".repeat(500) });
    expect(message.length).toBeLessThan(150);
  });
});

describe("validateCallOptions", () => {
  it("accepts the options a call takes, and none", () => {
    expect(() => validateCallOptions(undefined)).not.toThrow();
    expect(() =>
      validateCallOptions({
        deadline: Date.now() + 1000,
        signal: new AbortController().signal,
        headers: { a: "b" },
      }),
    ).not.toThrow();
    expect(() => validateCallOptions({ deadline: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it.each([
    [
      { deadline: Number.NaN },
      "deadline must be a time in ms since the epoch (as Date.now() gives), got NaN",
    ],
    [{ deadline: Number.NEGATIVE_INFINITY }, "got -Infinity"],
    [{ deadline: "soon" }, 'got "soon"'],
    [{ signal: "x" }, "signal must be an AbortSignal"],
    [{ headers: { a: 1 } }, 'headers["a"] must be a string, got 1'],
  ])("refuses %j", (options, expected) => {
    expect(() => validateCallOptions(options, "anthropic")).toThrow(InvalidRequestError);
    expect(() => validateCallOptions(options)).toThrow(expected);
  });

  it("runs where every call links its signal, so a NaN deadline never means no deadline", () => {
    expect(() => linkCallOptions(new AbortController(), { deadline: Number.NaN })).toThrow(
      InvalidRequestError,
    );
  });
});
