import type { Message, TextPart } from "../messages.js";
import type { Middleware, Model, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { deferStream, forward } from "../stream/stream-helpers.js";
import { messageTokenCounter } from "../tokens/message-tokens.js";

export interface PromptCacheOptions {
  /**
   * Smallest prefix worth a breakpoint, in tokens. Anthropic ignores shorter prefixes: 1024 for
   * Sonnet and Opus models, 2048 for Haiku 3 / 3.5 (their docs, "Prompt caching"). Default 1024.
   */
  minTokens?: number;
  /** Most breakpoints per request, counting ones already set; Anthropic allows 4. */
  maxBreakpoints?: number;
  /** Which models get breakpoints; default: Anthropic ones (`provider === "anthropic"`). */
  when?: (model: Model) => boolean;
}

/** Where a breakpoint was placed and why. */
export interface Breakpoint {
  messageIndex: number;
  /** Tokens of everything up to and including the marked message (tools first). */
  prefixTokens: number;
  reason: "system" | "tools" | "long-turn" | "history";
}

const hasMark = (m: Message) =>
  typeof m.content !== "string" && m.content.some((p) => p.type === "text" && p.cache);

/** The message with its last text part marked as a cache breakpoint; undefined if it has no text part. */
function mark(m: Message): Message | undefined {
  if (m.role === "tool") return undefined;
  if (typeof m.content === "string")
    return { ...m, content: [{ type: "text", text: m.content, cache: true }] } as Message;
  const last = m.content.findLastIndex((p) => p.type === "text");
  if (last < 0) return undefined;
  const content = m.content.map((p, i) => (i === last ? { ...(p as TextPart), cache: true } : p));
  return { ...m, content } as Message;
}

/**
 * Places Anthropic prompt-cache breakpoints (`TextPart.cache`) on the stable prefixes of a
 * request: the end of the system prompt (which also covers the tool definitions, cached
 * first), the end of the conversation before the newest turn, and the ends of long early
 * turns (a pasted document), each only when its prefix reaches `minTokens`. Returns a new
 * request; the caller's is not changed.
 */
export async function placeCacheBreakpoints(
  request: ModelRequest,
  model: string | { id: string; provider?: string },
  options: Omit<PromptCacheOptions, "when"> = {},
): Promise<{ request: ModelRequest; breakpoints: Breakpoint[] }> {
  const minTokens = options.minTokens ?? 1024;
  const free = (options.maxBreakpoints ?? 4) - request.messages.filter(hasMark).length;
  if (free <= 0 || request.messages.length === 0) return { request, breakpoints: [] };
  const counter = await messageTokenCounter(model);
  const messages = request.messages;
  const prefix: number[] = [];
  let total = counter.fixed({ messages: [], ...(request.tools ? { tools: request.tools } : {}) });
  for (const m of messages) {
    total += counter.message(m);
    prefix.push(total);
  }

  // Candidates in order of value: the system prompt, the whole earlier conversation, long early turns.
  const candidates: Breakpoint[] = [];
  const add = (messageIndex: number, reason: Breakpoint["reason"]) => {
    if (
      messageIndex >= 0 &&
      prefix[messageIndex]! >= minTokens &&
      !candidates.some((c) => c.messageIndex === messageIndex)
    )
      candidates.push({ messageIndex, prefixTokens: prefix[messageIndex]!, reason });
  };
  const lastSystem = messages.findLastIndex((m) => m.role === "system");
  if (lastSystem >= 0) add(lastSystem, "system");
  else if (request.tools?.length) add(0, "tools");
  add(messages.length - 2, "history");
  for (let i = lastSystem + 1; i < messages.length - 1; i++)
    if (counter.message(messages[i]!) >= minTokens) add(i, "long-turn");

  const out = [...messages];
  const breakpoints: Breakpoint[] = [];
  for (const candidate of candidates) {
    if (breakpoints.length >= free) break;
    if (hasMark(out[candidate.messageIndex]!)) continue;
    const marked = mark(out[candidate.messageIndex]!);
    if (!marked) continue;
    out[candidate.messageIndex] = marked;
    breakpoints.push(candidate);
  }
  breakpoints.sort((a, b) => a.messageIndex - b.messageIndex);
  return { request: breakpoints.length ? { ...request, messages: out } : request, breakpoints };
}

/** Middleware that places prompt-cache breakpoints on every request to an Anthropic model. */
export function promptCache(options: PromptCacheOptions = {}): Middleware {
  const when = options.when ?? ((model: Model) => model.provider === "anthropic");
  return (next) => {
    if (!when(next)) return next;
    const prepare = async (request: ModelRequest) =>
      (await placeCacheBreakpoints(request, next, options)).request;
    return wrapModel(next, {
      async generate(request, callOptions) {
        return next.generate(await prepare(request), callOptions);
      },
      stream(request, callOptions) {
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
          async function* () {
            yield* forward(next.stream(await prepare(request), callOptions), (r) => (final = r));
          },
          () => final,
        );
      },
    });
  };
}
