import type { EmbeddingModel } from "@keel/core";
import { Bm25Index, reciprocalRankFusion, type SearchHit, VectorIndex } from "@keel/core/search";
import type { MemoryRecord } from "./memory-record.js";
import { describeRange, type TimeRange, timeRanges } from "./time-expressions.js";

/** How memories are indexed for search. */
export interface IndexOptions {
  /** BM25 parameters. Default k1 1.2, b 0.75 (Robertson's classic values, for short conversational texts). */
  bm25?: { k1?: number; b?: number };
  /** Index an episode as "<speaker>: <content>", so a question naming a person finds what they said. Default true. */
  speakerInText?: boolean;
  /**
   * Read relative time words in an episode against its time ("yesterday" said on 8 May 2023) and
   * index the dates they name ("7 May 2023"), so questions with dates find them. Default true.
   */
  resolveTimes?: boolean;
}

/** Ranking signals of one candidate. */
export interface Candidate {
  id: string;
  /** Fused lexical and vector relevance, scaled so the best candidate is 1. */
  relevance: number;
}

/**
 * One scope's memories, indexed in this process: BM25 over the text, exact vectors when an
 * embedder is given, the time spans each memory names, and episodes in thread order.
 */
export class MemoryIndex {
  readonly records = new Map<string, MemoryRecord>();
  /** Time spans a memory's own words name, read against its time. */
  readonly eventRanges = new Map<string, TimeRange[]>();
  readonly #bm25: Bm25Index;
  readonly #vectors: VectorIndex | undefined;
  readonly #options: IndexOptions;
  readonly #threads = new Map<string, string[]>();
  /** Episodes per speaker. */
  readonly speakers = new Map<string, number>();

  constructor(options: IndexOptions, dimensions: number | undefined) {
    this.#options = options;
    this.#bm25 = new Bm25Index({ k1: options.bm25?.k1 ?? 1.2, b: options.bm25?.b ?? 0.75 });
    this.#vectors = dimensions ? new VectorIndex({ dimensions, metric: "cosine" }) : undefined;
  }

  /** The text the lexical index and the embedder see for a memory. */
  textOf(record: MemoryRecord): string {
    const parts: string[] = [];
    if (record.speaker && this.#options.speakerInText !== false) parts.push(`${record.speaker}:`);
    if (record.subject && record.kind !== "episode") parts.push(`${record.subject}:`);
    parts.push(record.content);
    const ranges = this.#rangesOf(record);
    if (ranges.length && this.#options.resolveTimes !== false)
      parts.push(`(${ranges.map(describeRange).join("; ")})`);
    return parts.join(" ");
  }

  /** Adds or replaces a memory; `vector` is its embedding when the index has vectors. */
  add(record: MemoryRecord, vector?: ArrayLike<number>): void {
    this.remove(record.id);
    this.records.set(record.id, record);
    if (record.speaker) this.speakers.set(record.speaker, (this.speakers.get(record.speaker) ?? 0) + 1);
    this.eventRanges.set(record.id, this.#rangesOf(record));
    this.#bm25.add(record.id, this.textOf(record));
    // A text with no features (only punctuation or emoji) has a zero vector: cosine has no
    // direction for it, so it is found through BM25 alone.
    if (this.#vectors && vector && !isZero(vector)) this.#vectors.add(record.id, vector);
    if (record.thread !== undefined) {
      const ids = this.#threads.get(record.thread) ?? [];
      ids.push(record.id);
      ids.sort((a, b) => (this.records.get(a)!.position ?? 0) - (this.records.get(b)!.position ?? 0));
      this.#threads.set(record.thread, ids);
    }
  }

  remove(id: string): void {
    const old = this.records.get(id);
    if (!old) return;
    this.records.delete(id);
    if (old.speaker) {
      const n = (this.speakers.get(old.speaker) ?? 1) - 1;
      if (n > 0) this.speakers.set(old.speaker, n);
      else this.speakers.delete(old.speaker);
    }
    this.eventRanges.delete(id);
    this.#bm25.remove(id);
    this.#vectors?.remove(id);
    if (old.thread !== undefined) {
      const ids = this.#threads.get(old.thread)?.filter((x) => x !== id) ?? [];
      if (ids.length) this.#threads.set(old.thread, ids);
      else this.#threads.delete(old.thread);
    }
  }

  /**
   * Candidates for a query, best first: BM25 alone, vectors alone, or both fused by reciprocal
   * rank (k 60, Cormack et al. 2009), which needs no score calibration between the two.
   */
  candidates(
    query: string,
    queryVector: ArrayLike<number> | undefined,
    options: { method: "bm25" | "vector" | "hybrid"; limit: number; accept: (id: string) => boolean },
  ): Candidate[] {
    const filter = (id: string) => options.accept(id);
    const lexical = options.method === "vector" ? [] : this.#bm25.search(query, { k: options.limit, filter });
    const semantic =
      options.method === "bm25" || !this.#vectors || !queryVector || isZero(queryVector)
        ? []
        : this.#vectors.search(queryVector, { k: options.limit, filter });
    let hits: SearchHit[];
    if (options.method === "hybrid" && semantic.length) hits = reciprocalRankFusion([lexical, semantic]);
    else hits = options.method === "vector" ? semantic : lexical;
    const top = hits[0]?.score ?? 0;
    return hits.map((h) => ({ id: h.id, relevance: top > 0 ? h.score / top : 0 }));
  }

  /** The memories before and after one in its thread, nearest first. */
  neighbours(id: string, window: number): string[] {
    const record = this.records.get(id);
    if (record?.thread === undefined) return [];
    const ids = this.#threads.get(record.thread)!;
    const at = ids.indexOf(id);
    const out: string[] = [];
    for (let d = 1; d <= window; d++) {
      if (ids[at - d]) out.push(ids[at - d]!);
      if (ids[at + d]) out.push(ids[at + d]!);
    }
    return out;
  }

  #rangesOf(record: MemoryRecord): TimeRange[] {
    return record.time === undefined ? [] : timeRanges(record.content, record.time);
  }
}

/** Embeds texts in the model's batch size; the vectors in input order. */
export async function embedAll(embedder: EmbeddingModel, texts: string[]): Promise<number[][]> {
  const out: number[][] = [];
  const size = Math.max(1, embedder.maxBatchSize);
  for (let i = 0; i < texts.length; i += size)
    out.push(...(await embedder.embed(texts.slice(i, i + size))).embeddings);
  return out;
}

function isZero(vector: ArrayLike<number>): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return false;
  return true;
}
