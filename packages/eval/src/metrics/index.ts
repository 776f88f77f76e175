export {
  type BleuOptions,
  type BleuStats,
  bleuFromStats,
  bleuStats,
  brevityPenalty,
  closestRefLength,
  corpusBleu,
  modifiedPrecision,
  type Precision,
  type SmoothingContext,
  type SmoothingFunction,
  sentenceBleu,
  smoothing,
  smoothingFunctions,
} from "./bleu.js";
export { bagOfWordsCosine, cosineSimilarity, embeddingCosine } from "./cosine.js";
export { type JsonValidity, type JsonValidityOptions, jsonValidity } from "./json-validity.js";
export { alignWords, countChunks, type MeteorOptions, meteor, singleMeteor } from "./meteor.js";
export {
  lcsLength,
  type RougeOptions,
  type RougeScore,
  type RougeType,
  rouge,
  rougeFromTokens,
  rougeLcs,
  rougeN,
  rougeTokenize,
  rougeTokensBoth,
} from "./rouge.js";
export {
  type SacreBleuOptions,
  type SacreBleuScore,
  type SacreBleuSmoothing,
  sacreBleuFromStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from "./sacrebleu.js";
export {
  type CorpusTextScores,
  scoreText,
  scoreTextCorpus,
  type TextCase,
  type TextScores,
} from "./score-text.js";
export { squadExactMatch, squadF1, squadNormalize } from "./squad.js";
export { contains, containsAll, exactMatch, matchesRegex } from "./text-checks.js";
export { tokenize13a } from "./tokenizer-13a.js";
export { type WordNet, WordNetDatabase, type WordNetFiles } from "./wordnet.js";
