// @keel/eval: metrics, judges, suites, runner, baselines and reports. Everything here is
// edge-safe; file access (WordNet directories, run stores, the CLI) is in "@keel/eval/node".
export * from "./errors/index.js";
export * from "./metrics/index.js";
export { cachedPorterStemmer, porterStem } from "./text/porter-stemmer.js";
