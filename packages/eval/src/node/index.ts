// Node-only parts of @keel/eval: reading WordNet, run files and datasets from disk.
export { DEBIAN_WORDNET_DIR, loadWordNet } from "./wordnet-files.js";
