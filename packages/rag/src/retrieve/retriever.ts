import {
  type EmbeddingModel,
  type EventHub,
  events as globalEvents,
  InvalidRequestError,
  isKeelError,
  KeelError,
  OutputParseError,
} from "@keel/core";
import { contentRedactor, isContentCaptured } from "@keel/core/provider";
import {
  type FusedHit,
  type MetadataFilter,
  mmr,
  type Normalization,
  reciprocalRankFusion,
  type SearchHit,
  weightedFusion,
} from "@keel/core/search";
import { createEmbedder, type Embedder } from "../embed/embedder.js";
import type { ChunkStore, ServerFusion, StoreHit } from "../stores/chunk-store.js";
import type { Chunk } from "../types.js";
import type { Reranker } from "./rerank.js";

/** What one retriever said about a result: its 1-based rank and its own score. */
export interface RankScore {
  rank: number;
  score: number;
}

/** A retrieved chunk with everything a citation or a trace needs. */
export interface RetrievedChunk extends Chunk {
  /** The final score this result was ordered by (fused, or the reranker's). */
  score: number;
  scores: {
    vector?: RankScore;
    keyword?: RankScore;
    /** The fused score before reranking, in hybrid mode. */
    fused?: number;
    rerank?: number;
    /** The marginal score MMR picked the result with, when `mmr` is on. */
    mmr?: number;
  };
}

/** How a hybrid retriever fuses its vector and keyword lists. */
export type FusionOptions =
  | { method: "rrf"; k?: number; weights?: [vector: number, keyword: number] }
  | { method: "weighted"; weights?: [vector: number, keyword: number]; normalization?: Normalization }
  | { method: "server"; fusion: ServerFusion };

/** Options of `createRetriever`. */
export interface RetrieverOptions {
  store: ChunkStore;
  /** An `Embedder` (from `createEmbedder`) or any core `EmbeddingModel`. Not needed for keyword mode. */
  embedder?: Embedder | EmbeddingModel;
  /** Default "hybrid" (vector + keyword, fused). */
  mode?: "hybrid" | "vector" | "keyword";
  /** Default RRF with k = 60 (Cormack et al.; Pyserini's fusion default). */
  fusion?: FusionOptions;
  /** How many hits each side fetches before fusion or reranking. Default max(100, 4k). */
  candidates?: number;
  /** Reorders the top candidates after fusion. */
  reranker?: Reranker;
  /**
   * Diversifies the final list with maximal marginal relevance over the top `depth` results
   * (default 3k): λ·relevance − (1 − λ)·max cosine to those already picked. The candidates'
   * vectors come from the embedder (its cache makes repeats free). Default: off.
   */
  mmr?: { lambda?: number; depth?: number };
  /** How many fused results the reranker sees. Default 3k (at least 20). */
  rerankDepth?: number;
  /** Where `retrieval.finished` goes. Default: core's global `events` hub. */
  events?: EventHub;
  /** Put the query text on `retrieval.finished`. Default: when content capture is on for the hub (`captureContent`). */
  recordQuery?: boolean;
}

/** Options of one retrieval. */
export interface RetrieveOptions {
  tenant: string;
  /** Results wanted. Default 10. */
  k?: number;
  filter?: MetadataFilter;
  signal?: AbortSignal;
}

/** Retrieves chunks for queries, one tenant at a time. */
export interface Retriever {
  retrieve(query: string, options: RetrieveOptions): Promise<RetrievedChunk[]>;
}

function isEmbedder(e: Embedder | EmbeddingModel): e is Embedder {
  return "modelKey" in e;
}

function ranks(hits: readonly StoreHit[]): Map<string, RankScore> {
  return new Map(hits.map((h, i) => [h.chunk.id, { rank: i + 1, score: h.score }]));
}

/**
 * A retriever over a store: vector, keyword, or hybrid search fused by reciprocal rank or by
 * weighted normalized scores (never raw scores), optionally reranked. Every result carries its
 * chunk id, document id, offsets, heading path and each retriever's rank and score, and every
 * call emits `retrieval.finished` (ids and scores; the query only with `recordQuery`).
 */
export function createRetriever(options: RetrieverOptions): Retriever {
  const mode = options.mode ?? "hybrid";
  if (!["hybrid", "vector", "keyword"].includes(mode))
    throw new InvalidRequestError(
      `createRetriever: mode must be "hybrid", "vector" or "keyword", got ${String(mode)}`,
    );
  const fusion: FusionOptions = options.fusion ?? { method: "rrf", k: 60 };
  const hub = options.events ?? globalEvents;
  if (mode !== "keyword" && !options.embedder)
    throw new InvalidRequestError(`createRetriever: mode "${mode}" needs an embedder`);
  if (mode !== "vector" && fusion.method !== "server" && !options.store.searchText)
    throw new InvalidRequestError(
      `createRetriever: store "${options.store.name}" has no keyword search; use mode "vector"`,
    );
  if (fusion.method === "server" && !options.store.searchHybrid)
    throw new InvalidRequestError(`createRetriever: store "${options.store.name}" cannot fuse server-side`);
  const embedder = options.embedder
    ? isEmbedder(options.embedder)
      ? options.embedder
      : createEmbedder(options.embedder)
    : undefined;

  async function run(query: string, o: RetrieveOptions): Promise<RetrievedChunk[]> {
    const k = o.k ?? 10;
    if (!Number.isInteger(k) || k < 1)
      throw new InvalidRequestError(`retrieve: k must be a positive integer, got ${k}`);
    if (typeof query !== "string" || query.trim() === "")
      throw new InvalidRequestError("retrieve: query must be a non-empty string");
    const candidates = options.candidates ?? Math.max(100, 4 * k);
    const search = {
      tenant: o.tenant,
      k: candidates,
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const vectorOf = async () => (await embedder!.embed([query], o.signal ? { signal: o.signal } : {}))[0]!;
    const rerankDepth = options.rerankDepth ?? Math.max(20, 3 * k);
    const mmrDepth = options.mmr?.depth ?? Math.max(20, 3 * k);
    // Only the results a later stage looks at are built: building every candidate's result
    // object cost about as much CPU as both searches together.
    const keep = options.reranker ? rerankDepth : options.mmr ? mmrDepth : k;

    let results: RetrievedChunk[];
    if (mode === "hybrid" && fusion.method === "server") {
      const hits = await options.store.searchHybrid!(
        { text: query, vector: await vectorOf() },
        { ...search, fusion: fusion.fusion, candidates },
      );
      results = hits.slice(0, keep).map((h) => ({
        ...h.chunk,
        score: h.score,
        scores: {
          fused: h.score,
          ...(h.vector ? { vector: h.vector } : {}),
          ...(h.keyword ? { keyword: h.keyword } : {}),
        },
      }));
    } else {
      const [vectorHits, keywordHits] = await Promise.all([
        mode === "keyword"
          ? Promise.resolve([])
          : vectorOf().then((v) => options.store.searchVector(v, search)),
        mode === "vector" ? Promise.resolve([]) : options.store.searchText!(query, search),
      ]);
      const byId = new Map<string, Chunk>();
      for (const h of [...vectorHits, ...keywordHits]) byId.set(h.chunk.id, h.chunk);
      const vRanks = ranks(vectorHits);
      const kRanks = ranks(keywordHits);
      const attach = (id: string, score: number, fused?: number): RetrievedChunk => {
        const v = vRanks.get(id);
        const kw = kRanks.get(id);
        return {
          ...byId.get(id)!,
          score,
          scores: {
            ...(v ? { vector: v } : {}),
            ...(kw ? { keyword: kw } : {}),
            ...(fused !== undefined ? { fused } : {}),
          },
        };
      };
      if (mode !== "hybrid") {
        const hits = mode === "vector" ? vectorHits : keywordHits;
        results = hits.slice(0, keep).map((h) => attach(h.chunk.id, h.score));
      } else {
        const lists: SearchHit[][] = [vectorHits, keywordHits].map((l) =>
          l.map((h) => ({ id: h.chunk.id, score: h.score })),
        );
        const fused: FusedHit[] =
          fusion.method !== "weighted"
            ? reciprocalRankFusion(lists, {
                k: fusion.method === "rrf" ? (fusion.k ?? 60) : 60,
                ...(fusion.method === "rrf" && fusion.weights ? { weights: fusion.weights } : {}),
              })
            : weightedFusion(lists, {
                ...(fusion.weights ? { weights: fusion.weights } : {}),
                normalization: fusion.normalization ?? "min-max",
              });
        results = fused.slice(0, keep).map((f) => attach(f.id, f.score, f.score));
      }
    }

    if (options.reranker && results.length > 0) {
      const head = results.slice(0, rerankDepth);
      const scores = await options.reranker.rerank(
        query,
        head.map((r) => r.text),
        o.signal ? { signal: o.signal } : {},
      );
      if (scores.length !== head.length)
        throw new OutputParseError(
          `reranker "${options.reranker.name}" scored ${scores.length} of ${head.length} texts`,
        );
      results = head
        .map((r, i) => ({ ...r, score: scores[i]!, scores: { ...r.scores, rerank: scores[i]! } }))
        .sort((a, b) => b.score - a.score);
    }
    if (options.mmr && results.length > 0) {
      if (!embedder)
        throw new InvalidRequestError("createRetriever: mmr needs an embedder for the candidates' vectors");
      const head = results.slice(0, mmrDepth);
      const vectors = await embedder.embed(
        head.map((r) => r.text),
        o.signal ? { signal: o.signal } : {},
      );
      const byId = new Map(head.map((r) => [r.id, r]));
      results = mmr(
        head.map((r, i) => ({ id: r.id, score: r.score, vector: vectors[i]! })),
        { k, lambda: options.mmr.lambda ?? 0.5 },
      ).map((m) => {
        const r = byId.get(m.id)!;
        return { ...r, scores: { ...r.scores, mmr: m.mmrScore } };
      });
    }
    return results.slice(0, k);
  }

  return {
    async retrieve(query, o) {
      const started = performance.now();
      const context = o?.tenant ? { tenant: o.tenant } : undefined;
      try {
        const results = await run(query, o);
        hub.emit(
          "retrieval.finished",
          {
            ...((options.recordQuery ?? isContentCaptured(hub))
              ? { query: contentRedactor(hub)?.(query) ?? query }
              : {}),
            ids: results.map((r) => r.id),
            scores: results.map((r) => r.score),
            durationMs: performance.now() - started,
            source: options.store.name,
          },
          context,
        );
        return results;
      } catch (error) {
        const keelError = isKeelError(error)
          ? error
          : new KeelError(String((error as Error)?.message ?? error), { cause: error });
        hub.emit(
          "retrieval.finished",
          {
            ids: [],
            scores: [],
            durationMs: performance.now() - started,
            source: options.store.name,
            error: keelError,
          },
          context,
        );
        throw keelError;
      }
    },
  };
}
