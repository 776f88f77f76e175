// @keel/eval: metrics, judges, suites, runner, baselines and reports. Everything here is
// edge-safe (web-standard APIs only); files, WordNet directories and the CLI are in "@keel/eval/node".
export {
  type CaseDiff,
  type CompareOptions,
  compareRuns,
  type Gate,
  type MetricComparison,
  pairedBootstrap,
  type RunComparison,
} from "./baseline/compare-runs.js";
export { defineEvalConfig, type EvalConfig } from "./cli/eval-config.js";
export * from "./errors/index.js";
export { type DatasetFilter, datasetFromEvents, type LogEvent } from "./feedback/dataset-from-events.js";
export { type Feedback, recordFeedback } from "./feedback/feedback.js";
export { cohenKappa, humanAgreement, panelAgreement } from "./judges/agreement.js";
export { groundednessJudge } from "./judges/groundedness-judge.js";
export { judgePanel } from "./judges/judge-panel.js";
export {
  type PairwiseJudgeOptions,
  type PairwiseResult,
  pairwiseJudge,
  winRate,
} from "./judges/pairwise-judge.js";
export { type RubricJudgeOptions, type RubricVerdict, rubricJudge } from "./judges/rubric-judge.js";
export {
  type ClaimSupport,
  type Groundedness,
  lexicalGroundedness,
  splitClaims,
} from "./metrics/groundedness.js";
export * from "./metrics/index.js";
export { escapeHtml, renderHtmlReport } from "./report/html-report.js";
export { renderMarkdownReport } from "./report/markdown-report.js";
export { buildReport, type ReportModel, renderJsonReport } from "./report/report-model.js";
export { type EvalBatchClient, type RunBatchEvalOptions, runBatchEval } from "./runner/batch.js";
export { parseCsvDataset, parseDataset, parseJsonlDataset } from "./runner/dataset.js";
export { type ModelTaskOptions, modelTask, requestFor } from "./runner/model-task.js";
export { memoryOutputCache, type OutputCache, stableHash } from "./runner/output-cache.js";
export { type RunEvalOptions, type RunProgress, runEval, scoreOutput } from "./runner/run-eval.js";
export { memoryRunJournal, type RunJournal } from "./runner/run-journal.js";
export {
  containsScorer,
  jsonSchemaScorer,
  lexicalGroundednessScorer,
  referenceScorer,
  regexScorer,
  similarityScorer,
} from "./runner/scorers.js";
export { seededRandom, seededShuffle } from "./runner/seeded-random.js";
export { summarizeScores } from "./runner/summarize.js";
export type {
  CaseResult,
  EvalCase,
  EvalRun,
  EvalTask,
  MetricSummary,
  RunError,
  ScoreInput,
  ScoreResult,
  Scorer,
  TaskContext,
  TaskOutput,
} from "./runner/types.js";
export { correctnessScorers } from "./suites/correctness.js";
export {
  type CostStats,
  costStats,
  type LatencyStats,
  latencyStats,
  percentile,
} from "./suites/latency-cost.js";
export { type CaseConsistency, type ConsistencyOptions, measureConsistency } from "./suites/reliability.js";
export {
  canaryScorer,
  isRefusal,
  piiScorer,
  REFUSAL_PATTERNS,
  refusalScorer,
  safetyScorers,
  systemPromptLeakScorer,
} from "./suites/safety.js";
export { cachedPorterStemmer, porterStem } from "./text/porter-stemmer.js";
