import { lexicalWords } from "./lexical-embedder.js";

const NEGATIONS = new Set([
  "not",
  "no",
  "never",
  "none",
  "nothing",
  "nobody",
  "neither",
  "nor",
  "without",
  "cannot",
]);

const numbers = (text: string) =>
  (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/,/g, "")).sort();
const negations = (text: string) => lexicalWords(text).filter((w) => NEGATIONS.has(w)).length;
/** Capitalized words not at a sentence start (nor "I"), plural "s" dropped: a cheap stand-in for names. */
const names = (text: string) =>
  [...text.matchAll(/(?<![.!?]\s|^)\b\p{Lu}[\p{L}\p{N}]*/gu)]
    .map((m) => m[0].toLowerCase().replace(/s$/, ""))
    .filter((w) => w !== "i")
    .sort();

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A content gate for semantic hits: the two prompts must mention the same numbers, the same
 * count of negations, and the same capitalized names. It rejects the known false-hit shapes
 * (number changes, "X is safe" vs "X is not safe", swapped or substituted entities) that
 * embeddings score as near-identical, at the cost of some legitimate paraphrase hits.
 */
export function sameKeyFacts(cachedPrompt: string, prompt: string): boolean {
  return (
    same(numbers(cachedPrompt), numbers(prompt)) &&
    negations(cachedPrompt) === negations(prompt) &&
    same(names(cachedPrompt), names(prompt))
  );
}
