import type { Message } from "../messages.js";
import type { ModelRequest, ToolDefinition } from "../model.js";
import { ANTHROPIC_TOOL_PROMPT, type TokenProfile, tokenProfileFor } from "./token-profile.js";
import { getTokenizer, type Tokenizer } from "./tokenizer.js";

/** The parts of a request that cost input tokens. */
export type CountableRequest = Pick<ModelRequest, "messages" | "tools" | "toolChoice" | "responseFormat">;

/** Counts request tokens for one model family; `message` results are memoized per message object. */
export interface MessageTokenCounter {
  readonly profile: TokenProfile;
  /** Tokens of plain text, scaled by the family's factor. */
  text(text: string): number;
  /** Tokens one message adds, framing included. */
  message(message: Message): number;
  /** Tokens the request costs besides its messages: tools, response format, reply priming. */
  fixed(request: CountableRequest): number;
  /** The whole request: `fixed` plus every message. */
  request(request: CountableRequest): number;
}

/**
 * OpenAI renders tool definitions into a hidden system section; these constants are the
 * openai-cookbook `num_tokens_for_tools` values (func_init 7 for o200k models, 10 for cl100k).
 */
const TOOL_RULES = { propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 } as const;

/** Counts the input tokens of a request for a model: exact for OpenAI text, estimated otherwise. */
export async function countMessageTokens(
  request: CountableRequest,
  model: string | { id: string; provider?: string },
): Promise<number> {
  return (await messageTokenCounter(model)).request(request);
}

/** A reusable counter for one model (loads its tokenizer once). */
export async function messageTokenCounter(
  model: string | { id: string; provider?: string },
): Promise<MessageTokenCounter> {
  const profile = tokenProfileFor(model);
  return createCounter(profile, await getTokenizer(profile.encoding));
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

function createCounter(profile: TokenProfile, tokenizer: Tokenizer): MessageTokenCounter {
  const memo = new WeakMap<Message, number>();
  const raw = (text: string) => (text ? tokenizer.count(text) : 0);
  const text = (t: string) => Math.ceil(raw(t) * profile.textFactor);
  const openai = profile.family === "openai";

  function message(m: Message): number {
    const hit = memo.get(m);
    if (hit !== undefined) return hit;
    let textTokens = 0;
    // Only OpenAI frames the system prompt as a message; Anthropic and Gemini send it apart.
    const framed = openai || m.role !== "system";
    let extra = framed ? profile.perMessage + (profile.countsRole ? raw(m.role) : 0) : 0;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    for (const part of parts) {
      switch (part.type) {
        case "text":
          textTokens += raw(part.text);
          break;
        case "image":
          extra += profile.imageTokens;
          break;
        case "file":
          extra += profile.fileTokens;
          break;
        case "tool-call":
          textTokens += raw(part.name) + raw(part.rawArguments ?? stringify(part.arguments));
          extra += 3;
          break;
        case "tool-result":
          textTokens += raw(stringify(part.result));
          // OpenAI sends each result as its own "tool" message with full framing.
          extra += openai ? profile.perMessage + raw("tool") : 3;
          break;
        case "reasoning":
          // Earlier turns' reasoning is dropped or opaque on every API; it is not input text.
          break;
      }
    }
    // A tool message is only a carrier of results; its own framing is already counted per result.
    if (m.role === "tool") extra -= profile.perMessage + (profile.countsRole ? raw(m.role) : 0);
    const total = Math.ceil(textTokens * profile.textFactor) + extra;
    memo.set(m, total);
    return total;
  }

  function openaiTools(tools: ToolDefinition[]): number {
    const funcInit = profile.encoding === "cl100k_base" ? 10 : 7;
    let n = 0;
    for (const tool of tools) {
      n += funcInit + raw(`${tool.name}:${(tool.description ?? "").replace(/\.$/, "")}`);
      const props = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const keys = Object.keys(props);
      if (keys.length > 0) n += TOOL_RULES.propInit;
      for (const key of keys) {
        const prop = props[key] ?? {};
        n += TOOL_RULES.propKey;
        if (Array.isArray(prop.enum)) {
          n += TOOL_RULES.enumInit;
          for (const item of prop.enum) n += TOOL_RULES.enumItem + raw(String(item));
        }
        const type = typeof prop.type === "string" ? prop.type : stringify(prop.type ?? "any");
        const desc = typeof prop.description === "string" ? prop.description.replace(/\.$/, "") : "";
        n += raw(`${key}:${type}:${desc}`);
      }
    }
    return n + TOOL_RULES.funcEnd;
  }

  function fixed(request: CountableRequest): number {
    let n = profile.replyPriming;
    const tools = request.tools ?? [];
    if (tools.length > 0) {
      if (openai) n += openaiTools(tools);
      else {
        for (const tool of tools)
          n += text(stringify({ name: tool.name, description: tool.description })) + 3;
        n += text(stringify(tools.map((t) => t.inputSchema)));
        if (profile.family === "anthropic") {
          const forced = typeof request.toolChoice === "object" || request.toolChoice === "required";
          n += forced ? ANTHROPIC_TOOL_PROMPT.forced : ANTHROPIC_TOOL_PROMPT.auto;
        }
      }
    }
    const format = request.responseFormat;
    if (format?.type === "json" && format.schema)
      // Counted as its JSON text: this matched OpenAI's usage exactly on the one recorded request
      // with a known schema (openai/chat-stream-*.sse); no other provider data point exists here.
      n += text(stringify(format.schema));
    return n;
  }

  return {
    profile,
    text,
    message,
    fixed,
    request: (request) => request.messages.reduce((sum, m) => sum + message(m), fixed(request)),
  };
}
