import type { Message } from "../messages.js";
import type { Model } from "../model.js";
import type { ContextStrategy } from "./fit-state.js";
import { type MiddleOptions, middleTurns } from "./middle.js";

export interface SummarizeOptions extends MiddleOptions {
  /** The model that writes the summary (a small, cheap one is usual). */
  model: Model;
  /** Output budget for the summary (default 500 tokens). */
  maxSummaryTokens?: number;
  /** Replaces the default summarizing instruction. */
  instructions?: string;
}

const INSTRUCTIONS =
  "Summarize the conversation excerpt below for another assistant who will continue it. Keep every fact, " +
  "decision, number, name, open question and tool outcome that later turns may need. Be concise. " +
  "Write only the summary.";

/** Renders messages as plain text for the summarizer. */
function transcript(messages: Message[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    for (const p of parts) {
      if (p.type === "text") lines.push(`${m.role}: ${p.text}`);
      else if (p.type === "tool-call")
        lines.push(`${m.role} called ${p.name}(${JSON.stringify(p.arguments)})`);
      else if (p.type === "tool-result")
        lines.push(
          `tool ${p.name} returned: ${typeof p.result === "string" ? p.result : JSON.stringify(p.result)}`,
        );
      else if (p.type === "image" || p.type === "file") lines.push(`${m.role}: [${p.type} ${p.mediaType}]`);
    }
  }
  return lines.join("\n");
}

/**
 * Replaces the middle turns (see `dropMiddle` for which) with one user message holding a
 * summary written by `model`. One model call per application.
 */
export function summarizeMiddle(options: SummarizeOptions): ContextStrategy {
  return {
    name: "summarize-middle",
    async apply(state) {
      const turns = middleTurns(state, options);
      if (turns.length === 0) return;
      const drop = new Set<number>();
      for (const t of turns) for (let i = t.start; i < t.end; i++) drop.add(i);
      const middle = state.messages.filter((_, i) => drop.has(i));
      const response = await options.model.generate({
        messages: [
          { role: "system", content: options.instructions ?? INSTRUCTIONS },
          { role: "user", content: transcript(middle) },
        ],
        maxOutputTokens: options.maxSummaryTokens ?? 500,
        ...(state.request.tenant !== undefined ? { tenant: state.request.tenant } : {}),
      });
      const summary: Message = {
        role: "user",
        content: `[Summary of ${middle.length} earlier messages]\n${response.text.trim()}`,
      };
      const first = turns[0]!.start;
      const out: Message[] = [];
      state.messages.forEach((m, i) => {
        if (i === first) out.push(summary);
        if (!drop.has(i)) out.push(m);
      });
      state.commit(
        "summarize-middle",
        out,
        `${middle.length} middle messages, replaced by a summary`,
        middle.length,
      );
    },
  };
}
