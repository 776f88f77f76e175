export { modelReranker, type Reranker, type TeiRerankerOptions, teiReranker } from "./rerank.js";
export {
  createRetriever,
  type FusionOptions,
  type RankScore,
  type RetrievedChunk,
  type RetrieveOptions,
  type Retriever,
  type RetrieverOptions,
} from "./retriever.js";
