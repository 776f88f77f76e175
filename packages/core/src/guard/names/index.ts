// "@keel/core/guard/names": person names for the PII engine, over the optional peer compromise.
// Kept apart from "@keel/core/guard" so that a bundler never pulls compromise (336 KB) into a
// worker that does not ask for names.
export { loadPersonNames } from "./person-names.js";
export { titledNames } from "./titled-names.js";
