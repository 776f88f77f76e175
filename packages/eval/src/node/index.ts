// Node-only parts of @keel/eval: WordNet, runs, journals and caches on disk, the progress bar.
// The `keel-eval` CLI is the package's bin.
export { progressBar } from "./progress-bar.js";
export { fileOutputCache, jsonlRunJournal, loadRun, saveRun } from "./run-files.js";
export { DEBIAN_WORDNET_DIR, loadWordNet } from "./wordnet-files.js";
