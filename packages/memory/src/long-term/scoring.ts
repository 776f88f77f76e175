import type { MemoryRecord } from "./memory-record.js";
import { overlaps, type TimeRange } from "./time-expressions.js";

const DAY = 86_400_000;

/** How relevance, recency, importance, time and context combine into one score. */
export interface ScoringOptions {
  /** Weight of recency. Default 0.1. */
  recency?: number;
  /** Weight of importance. Default 0.1. */
  importance?: number;
  /** Added when the memory's time (or a span it names) overlaps a span the query names. Default 0.3. */
  time?: number;
  /**
   * Added when the query names the memory's speaker and no other speaker: a question about a
   * person is mostly answered by what that person said. Default 0.5.
   */
  speaker?: number;
  /** Share of the best neighbouring episode's relevance (same thread) added to a memory's own. Default 0.5. */
  context?: number;
  /** Neighbours on each side that lend context. Default 1. */
  contextWindow?: number;
  /** Recency halves every this many days, stretched by importance (× 1 + importance). Default 30. */
  halfLifeDays?: number;
}

/** Defaults applied where a field is missing. */
export const DEFAULT_SCORING: Required<ScoringOptions> = {
  recency: 0.1,
  importance: 0.1,
  time: 0.3,
  speaker: 0.5,
  context: 0.5,
  contextWindow: 1,
  halfLifeDays: 30,
};

/**
 * Recency in (0, 1]: an exponential decay of the memory's age (Park et al., "Generative Agents",
 * 2023), whose half-life grows with importance, so that important memories fade more slowly.
 */
export function recencyOf(record: MemoryRecord, now: number, halfLifeDays: number): number {
  const age = Math.max(0, now - (record.time ?? record.createdAt)) / DAY;
  return 0.5 ** (age / (halfLifeDays * (1 + record.importance)));
}

/** 1 when the memory's time, or a span its words name, overlaps one of the query's spans; else 0. */
export function timeMatch(record: MemoryRecord, named: TimeRange[], query: TimeRange[]): number {
  if (query.length === 0) return 0;
  const spans = [...named];
  if (record.time !== undefined) spans.push({ text: "", start: record.time, end: record.time + 1 });
  return query.some((q) => spans.some((s) => overlaps(q, s))) ? 1 : 0;
}

/** The one speaker a query names (as a whole word, possessives included), or undefined when it names none or several. */
export function namedSpeaker(query: string, speakers: Iterable<string>): string | undefined {
  const lower = query.toLowerCase();
  let found: string | undefined;
  for (const speaker of speakers) {
    const name = speaker.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (!name || !new RegExp(`(^|[^\\p{L}\\p{N}])${name}($|[^\\p{L}\\p{N}])`, "u").test(lower)) continue;
    if (found !== undefined) return undefined;
    found = speaker;
  }
  return found;
}
