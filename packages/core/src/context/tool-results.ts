import { canonicalJson } from "../cache/canonical-json.js";
import type { Message, ToolResultPart } from "../messages.js";
import { getTokenizer } from "../tokens/tokenizer.js";
import type { ContextStrategy, FitState } from "./fit-state.js";

const asText = (result: unknown) => (typeof result === "string" ? result : JSON.stringify(result));

/** Rewrites tool-result parts of non-pinned tool messages; returns the new list and how many messages changed. */
function rewriteResults(
  state: FitState,
  rewrite: (part: ToolResultPart, messageIndex: number) => ToolResultPart | undefined,
): { messages: Message[]; changed: number } {
  let changed = 0;
  const messages = state.messages.map((m, i) => {
    if (m.role !== "tool" || state.pinned.has(m)) return m;
    let touched = false;
    const content = m.content.map((part) => {
      const next = rewrite(part, i);
      if (!next) return part;
      touched = true;
      return next;
    });
    if (!touched) return m;
    changed++;
    return { ...m, content };
  });
  return { messages, changed };
}

/**
 * Replaces all but the latest copy of identical tool results (same tool, same output) with a
 * short note, keeping every call paired with a result.
 */
export function dedupeToolResults(): ContextStrategy {
  return {
    name: "dedupe-tool-results",
    apply(state) {
      const latest = new Map<string, number>();
      state.messages.forEach((m, i) => {
        if (m.role === "tool")
          for (const p of m.content) latest.set(`${p.name}\n${canonicalJson(p.result)}`, i);
      });
      const { messages, changed } = rewriteResults(state, (part, i) => {
        const last = latest.get(`${part.name}\n${canonicalJson(part.result)}`)!;
        if (last === i) return undefined;
        return { ...part, result: `[same output as a later ${part.name} call; removed to save tokens]` };
      });
      if (changed) state.commit("dedupe-tool-results", messages, `${changed} repeated tool outputs`, changed);
    },
  };
}

/**
 * Shortens tool results longer than `maxTokens` to their first and last tokens with a marker
 * saying how many were left out, oldest results first, until the request fits.
 */
export function shortenToolResults(
  options: { maxTokens?: number; headShare?: number } = {},
): ContextStrategy {
  const maxTokens = options.maxTokens ?? 1000;
  const headShare = options.headShare ?? 0.6;
  return {
    name: "shorten-tool-results",
    async apply(state) {
      const tokenizer = await getTokenizer(state.counter.profile.encoding);
      let over = state.tokens() - state.maxInputTokens;
      const { messages, changed } = rewriteResults(state, (part) => {
        if (over <= 0) return undefined;
        const tokens = tokenizer.encode(asText(part.result));
        if (tokens.length <= maxTokens) return undefined;
        const head = Math.floor(maxTokens * headShare);
        const tail = maxTokens - head;
        const omitted = tokens.length - head - tail;
        const text =
          `${tokenizer.decode(tokens.slice(0, head))}\n…[${omitted} tokens omitted]…\n` +
          tokenizer.decode(tokens.slice(tokens.length - tail));
        over -= omitted * state.counter.profile.textFactor;
        return { ...part, result: text };
      });
      if (changed)
        state.commit(
          "shorten-tool-results",
          messages,
          `${changed} long tool outputs cut to head and tail`,
          changed,
        );
    },
  };
}
