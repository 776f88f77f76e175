import type { Message, ToolResultPart } from "../messages.js";
import type { ContextStrategy } from "./fit-state.js";

type Scored = { score: number };
const isScoredList = (value: unknown): value is Scored[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((v) => typeof v === "object" && v !== null && typeof (v as Scored).score === "number");

/**
 * Drops the least relevant retrieved chunks, lowest score first, until the request fits.
 * Retrieved chunks are tool results whose value is an array of objects with a numeric `score`
 * (what a retrieval tool returns); each result keeps at least `minKeep` chunks.
 */
export function dropLeastRelevant(options: { minKeep?: number } = {}): ContextStrategy {
  const minKeep = options.minKeep ?? 1;
  return {
    name: "drop-least-relevant",
    apply(state) {
      // Every droppable chunk: where it lives and its score.
      const chunks: Array<{ message: number; part: number; item: Scored }> = [];
      state.messages.forEach((m, i) => {
        if (m.role !== "tool" || state.pinned.has(m)) return;
        m.content.forEach((p, j) => {
          if (isScoredList(p.result)) for (const item of p.result) chunks.push({ message: i, part: j, item });
        });
      });
      chunks.sort((a, b) => a.item.score - b.item.score);
      const dropped = new Set<Scored>();
      let messages = state.messages;
      let count = 0;
      const rebuild = () =>
        state.messages.map((m, i) => {
          if (m.role !== "tool" || !chunks.some((c) => c.message === i)) return m;
          const content = m.content.map(
            (p): ToolResultPart =>
              isScoredList(p.result) ? { ...p, result: p.result.filter((item) => !dropped.has(item)) } : p,
          );
          return { ...m, content } as Message;
        });
      const total = (list: Message[]) => state.counter.request({ ...state.request, messages: list });
      for (const chunk of chunks) {
        if (total(messages) <= state.maxInputTokens) break;
        const part = state.messages[chunk.message]!.content[chunk.part] as ToolResultPart;
        const remaining = (part.result as Scored[]).filter((item) => !dropped.has(item)).length;
        if (remaining <= minKeep) continue;
        dropped.add(chunk.item);
        count++;
        messages = rebuild();
      }
      if (count === 0) return;
      const touched = new Set(chunks.filter((c) => dropped.has(c.item)).map((c) => c.message)).size;
      state.commit(
        "drop-least-relevant",
        messages,
        `${count} retrieved chunks with the lowest scores`,
        touched,
      );
    },
  };
}
