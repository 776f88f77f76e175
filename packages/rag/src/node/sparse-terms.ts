import { type Analyzer, createAnalyzer } from "@keel/core/search";

/** A sparse vector as Qdrant takes it: term ids and weights, ids unique. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** The 32-bit FNV-1a hash of a term: its id in the sparse vector space. */
export function termId(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Options of the BM25 document weighting Qdrant's IDF modifier completes. */
export interface SparseOptions {
  analyzer?: Analyzer;
  /** BM25 k1. Default 1.2. */
  k1?: number;
  /** BM25 b. Default 0.75. */
  b?: number;
  /** Assumed average document length in terms (the server keeps no lengths). Default 256. */
  avgLength?: number;
}

/**
 * Sparse vectors for Qdrant's server-side BM25: a document's terms weighted by BM25's
 * saturated, length-normalized term frequency (the IDF factor is applied by the collection's
 * `modifier: "idf"`), and a query's distinct terms weighted 1. This is the scheme of Qdrant's own
 * `Qdrant/bm25` sparse model; the average length is a fixed assumption, not the collection's.
 */
export function sparseEncoder(options: SparseOptions = {}) {
  const analyzer = options.analyzer ?? createAnalyzer();
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const avg = options.avgLength ?? 256;
  const group = (terms: string[]) => {
    const counts = new Map<number, number>();
    for (const t of terms) counts.set(termId(t), (counts.get(termId(t)) ?? 0) + 1);
    return counts;
  };
  return {
    document(text: string): SparseVector {
      const terms = analyzer(text);
      const counts = group(terms);
      const norm = k1 * (1 - b + (b * terms.length) / avg);
      const indices = [...counts.keys()];
      return { indices, values: indices.map((i) => (counts.get(i)! * (k1 + 1)) / (counts.get(i)! + norm)) };
    },
    query(text: string): SparseVector {
      const indices = [...group(analyzer(text)).keys()];
      return { indices, values: indices.map(() => 1) };
    },
  };
}
