import type { Message, ModelRequest } from "@keel/core";
import type { RetrievedChunk } from "@keel/rag";

/** One retrieved passage as the model reads it: `score` lets core's `dropLeastRelevant` cut it. */
export interface SourcePassage {
  n: number;
  source: string;
  section: string;
  text: string;
  score: number;
}

const SEARCH_TOOL = "search_docs";

export const RAG_SYSTEM_PROMPT =
  "You answer questions about the documents returned by search_docs, using only those passages. " +
  "Cite every claim with its passage number in square brackets, like [2]. If the passages do not " +
  "answer the question, say so.";

/** The passages of a retrieval, numbered from 1 in rank order. */
export function toPassages(hits: readonly RetrievedChunk[]): SourcePassage[] {
  return hits.map((hit, i) => ({
    n: i + 1,
    source: hit.documentId,
    section: hit.headingPath.join(" › "),
    text: hit.text,
    score: hit.score,
  }));
}

/**
 * A question with its retrieved passages, shaped as a finished `search_docs` tool call: the shape
 * core's context fitting understands (it drops the lowest-scoring passages first), and one every
 * provider accepts. `toolChoice: "none"` asks for an answer, not another search.
 */
export function ragRequest(
  question: string,
  passages: SourcePassage[],
  history: Message[] = [],
): ModelRequest {
  return {
    messages: [
      { role: "system", content: RAG_SYSTEM_PROMPT },
      ...history,
      { role: "user", content: question },
      {
        role: "assistant",
        content: [{ type: "tool-call", id: "search_1", name: SEARCH_TOOL, arguments: { query: question } }],
      },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "search_1", name: SEARCH_TOOL, result: passages }],
      },
    ],
    tools: [
      {
        name: SEARCH_TOOL,
        description: "Search the document set; returns numbered passages.",
        inputSchema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
      },
    ],
    toolChoice: "none",
  };
}

/** The passages a request still carries after fitting. */
export function passagesIn(request: ModelRequest): SourcePassage[] {
  const found: SourcePassage[] = [];
  for (const m of request.messages)
    if (m.role === "tool")
      for (const part of m.content)
        if (part.type === "tool-result" && part.name === SEARCH_TOOL && Array.isArray(part.result))
          found.push(...(part.result as SourcePassage[]));
  return found;
}

/** The citations `[n]` an answer makes, resolved to their passages; unknown numbers are listed too. */
export function citationsOf(
  answer: string,
  passages: SourcePassage[],
): { cited: SourcePassage[]; unknown: number[] } {
  const numbers = [...new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))];
  const byNumber = new Map(passages.map((p) => [p.n, p]));
  return {
    cited: numbers.flatMap((n) => byNumber.get(n) ?? []),
    unknown: numbers.filter((n) => !byNumber.has(n)),
  };
}
