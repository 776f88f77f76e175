export {
  type Analyzer,
  type AnalyzerOptions,
  analyze,
  createAnalyzer,
  ENGLISH_STOPWORDS,
  foldText,
} from "./analyzer.js";
export { Bm25Index, type Bm25Json, type Bm25Options } from "./bm25.js";
export {
  type Contribution,
  type FusedHit,
  type Normalization,
  normalizeScores,
  reciprocalRankFusion,
  weightedFusion,
} from "./fusion.js";
export { HnswIndex, type HnswOptions } from "./hnsw.js";
export {
  checkMetadata,
  compileFilter,
  type FieldCondition,
  filterFields,
  type MetadataFilter,
} from "./metadata-filter.js";
export { type MmrCandidate, type MmrHit, mmr } from "./mmr.js";
export { recallAtK } from "./recall.js";
export type {
  Metadata,
  MetadataValue,
  SearchFilter,
  SearchHit,
  SearchOptions,
  SearchPredicate,
} from "./search-types.js";
export { VectorIndex, type VectorIndexJson, type VectorIndexOptions } from "./vector-index.js";
export { cosineSimilarity, type Metric, prepareVector } from "./vector-math.js";
