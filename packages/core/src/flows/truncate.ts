import type { Message } from "../messages.js";
import { estimateTokens, messageText } from "../tokens/estimate-tokens.js";

/** Counts tokens in a text; plug in a real tokenizer for exact budgets. */
export type TokenCounter = (text: string) => number;

// The core's rough count (a quarter of the characters) is the default counter.
export { estimateTokens };

/** What a truncation kept and what it cut. */
export interface TruncateResult<T> {
  value: T;
  truncated: boolean;
  tokensBefore: number;
  tokensAfter: number;
  /** Messages dropped, or characters cut. */
  removed: number;
  unit: "messages" | "characters";
}

const MARKER = "\n[…truncated]";
const MESSAGE_OVERHEAD = 4;

/**
 * Cuts a text to at most `maxTokens`, keeping its start (default) or its end, and marks the
 * cut. Never splits a UTF-16 surrogate pair.
 */
export function truncateText(
  text: string,
  maxTokens: number,
  options: { countTokens?: TokenCounter; keep?: "start" | "end" } = {},
): TruncateResult<string> {
  const count = options.countTokens ?? estimateTokens;
  const keepEnd = options.keep === "end";
  const tokensBefore = count(text);
  if (tokensBefore <= maxTokens)
    return {
      value: text,
      truncated: false,
      tokensBefore,
      tokensAfter: tokensBefore,
      removed: 0,
      unit: "characters",
    };
  const cut = (n: number) => {
    let k = n;
    const edge = keepEnd ? text.length - k : k;
    // Move off the middle of a surrogate pair.
    if (edge > 0 && edge < text.length && /[\uDC00-\uDFFF]/.test(text[edge]!)) k--;
    return keepEnd ? `${MARKER.trimStart()}\n${text.slice(text.length - k)}` : `${text.slice(0, k)}${MARKER}`;
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(cut(mid)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  const value = cut(lo);
  return {
    value,
    truncated: true,
    tokensBefore,
    tokensAfter: count(value),
    removed: text.length - (value.length - MARKER.length),
    unit: "characters",
  };
}

/**
 * Fits a conversation to `maxTokens`: keeps every system message and the most recent turns
 * that fit, never starting on an orphaned tool result. The last turn is always kept, even
 * when it alone is over budget (`tokensAfter` then exceeds `maxTokens`).
 */
export function truncateMessages(
  messages: readonly Message[],
  maxTokens: number,
  options: { countTokens?: TokenCounter } = {},
): TruncateResult<Message[]> {
  const count = options.countTokens ?? estimateTokens;
  const sizes = messages.map((m) => count(messageText(m)) + MESSAGE_OVERHEAD);
  const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
  const tokensBefore = total(sizes);
  const all = { value: [...messages], truncated: false, tokensBefore, tokensAfter: tokensBefore, removed: 0 };
  if (tokensBefore <= maxTokens) return { ...all, unit: "messages" };
  const keep = new Set<number>();
  let used = 0;
  messages.forEach((m, i) => {
    if (m.role === "system") {
      keep.add(i);
      used += sizes[i]!;
    }
  });
  let first = messages.length;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "system") continue;
    if (used + sizes[i]! > maxTokens && first !== messages.length) break;
    used += sizes[i]!;
    first = i;
  }
  // A tool result without the assistant turn that asked for it is rejected by providers.
  while (first < messages.length && messages[first]!.role === "tool") first++;
  for (let i = first; i < messages.length; i++) keep.add(i);
  const value = messages.filter((_, i) => keep.has(i));
  return {
    value,
    truncated: true,
    tokensBefore,
    tokensAfter: total(sizes.filter((_, i) => keep.has(i))),
    removed: messages.length - value.length,
    unit: "messages",
  };
}
