// Node-only parts of @keel/eval: WordNet, runs, journals and caches on disk, the progress bar, the CLI.

export { defineEvalConfig, type EvalConfig } from "../cli/eval-config.js";
export { runCli } from "../cli/run-cli.js";
export { progressBar } from "./progress-bar.js";
export { fileOutputCache, jsonlRunJournal, loadRun, saveRun } from "./run-files.js";
export { DEBIAN_WORDNET_DIR, loadWordNet } from "./wordnet-files.js";
