import { describe, expect, it } from "vitest";
import type { Message, TextPart } from "../messages.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { placeCacheBreakpoints, promptCache } from "./prompt-cache.js";

const long = (n: number) => Array.from({ length: n }, (_, i) => `clause${i % 13} of the policy`).join(", ");
const marked = (m: Message) =>
  typeof m.content !== "string" && m.content.some((p) => (p as TextPart).cache === true);

function chat(): ModelRequest {
  return {
    messages: [
      { role: "system", content: `You are the support bot. Policy: ${long(400)}` },
      { role: "user", content: `Here is the contract: ${long(500)}` },
      { role: "assistant", content: "Thanks, I have read it." },
      { role: "user", content: "Does clause 3 allow refunds?" },
      { role: "assistant", content: "Yes, within 30 days." },
      { role: "user", content: "And clause 7?" },
    ],
  };
}

describe("placeCacheBreakpoints", () => {
  it("marks the system prompt, the long early turn and the conversation before the newest turn", async () => {
    const request = chat();
    const { request: out, breakpoints } = await placeCacheBreakpoints(request, "claude-sonnet-4-5");
    expect(breakpoints.map((b) => [b.messageIndex, b.reason])).toEqual([
      [0, "system"],
      [1, "long-turn"],
      [4, "history"],
    ]);
    expect(out.messages.map(marked)).toEqual([true, true, false, false, true, false]);
    expect(breakpoints.every((b) => b.prefixTokens >= 1024)).toBe(true);
    // The caller's request is untouched.
    expect(request.messages.some(marked)).toBe(false);
  });

  it("never exceeds four breakpoints, counting those already set", async () => {
    const request = chat();
    request.messages[2] = { role: "assistant", content: [{ type: "text", text: "Thanks.", cache: true }] };
    const { breakpoints } = await placeCacheBreakpoints(request, "claude-sonnet-4-5", { maxBreakpoints: 2 });
    expect(breakpoints).toHaveLength(1);
    expect(breakpoints[0]!.reason).toBe("system");
  });

  it("skips prefixes shorter than the provider's minimum", async () => {
    const { breakpoints, request } = await placeCacheBreakpoints(
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi" },
        ],
      },
      "claude-haiku-4-5",
    );
    expect(breakpoints).toEqual([]);
    expect(request.messages.some(marked)).toBe(false);
  });
});

describe("promptCache middleware", () => {
  it("marks requests to Anthropic models only", async () => {
    const claude = scriptedModel(["ok"], { provider: "anthropic", id: "claude-sonnet-4-5" });
    await pipe(claude, promptCache()).stream(chat()).response;
    expect(claude.requests[0]!.messages.filter(marked)).toHaveLength(3);
    const gpt = scriptedModel(["ok"], { provider: "openai", id: "gpt-4o" });
    await pipe(gpt, promptCache()).generate(chat());
    expect(gpt.requests[0]!.messages.some(marked)).toBe(false);
  });
});
