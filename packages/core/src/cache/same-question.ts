import { sameKeyFacts } from "./content-guard.js";
import { isStopword, lexicalWords, stem } from "./lexical-embedder.js";

/**
 * Words that frame a question without changing what it asks ("could you tell me", "is it true
 * that", "I want to know"). Kept short on purpose: a word wrongly listed here lets two different
 * questions meet.
 */
const FRAMING = new Set(
  "please kindly tell say know wonder wondering curious want like explain way ways step steps advice help quick question true really actually generally exactly view opinion think check whether possible able thing things many much ever".split(
    " ",
  ),
);

/**
 * Small words that mark roles, kept in the order checks: "A than B", "from A to B". Symmetric ones
 * ("A or B", "A and B") are left out: their sides may trade places.
 */
const ROLE_MARKERS = new Set(["than", "to", "from", "into", "by"]);

/** The words of a prompt that carry its meaning, stemmed, in order (numbers included). */
function meaningWords(text: string): string[] {
  return lexicalWords(text)
    .map(stem)
    .filter((w) => !isStopword(w) && !FRAMING.has(w));
}

/**
 * Two words are the same when equal, or one typo apart (swap, drop, add, change) in words of 5+
 * letters that start with the same letter ("ethanol" and "methanol" are different words).
 */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 5 || b.length < 5 || Math.abs(a.length - b.length) > 1 || /\d/.test(a + b)) return false;
  if (a[0] !== b[0]) return false;
  return typoDistanceAtMostOne(a, b);
}

function typoDistanceAtMostOne(a: string, b: string): boolean {
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    // Two neighbouring letters swapped.
    return (
      diff.length === 2 &&
      diff[1] === diff[0]! + 1 &&
      a[diff[0]!] === b[diff[1]!] &&
      a[diff[1]!] === b[diff[0]!]
    );
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/** Every word of `from` has a same word (typos allowed) in `to`. */
const covered = (from: string[], to: string[]) => from.every((w) => to.some((x) => sameWord(w, x)));

/**
 * True when `b` orders two of the words both prompts share the other way round, with something
 * between them ("Did Alice pay Bob" / "Did Bob pay Alice", "5 miles to km" / "5 km to miles"),
 * while every other shared word keeps its place. A clause moved to the front is not a swap.
 */
function swappedRoles(a: string[], b: string[]): boolean {
  const firsts = (words: string[]) => [...new Set(words)];
  const sa = firsts(a);
  const sb = firsts(b);
  const shared = new Set(sa.filter((w) => sb.includes(w)));
  const oa = sa.filter((w) => shared.has(w));
  const ob = sb.filter((w) => shared.has(w));
  const differ: number[] = [];
  for (let i = 0; i < oa.length; i++) if (oa[i] !== ob[i]) differ.push(i);
  if (differ.length !== 2) return false;
  const [i, j] = differ as [number, number];
  return oa[i] === ob[j] && oa[j] === ob[i] && j - i >= 2;
}

/** Each word's nearest role marker before it ("" for none), by first occurrence. */
function rolesOf(words: string[]): Map<string, string> {
  const roles = new Map<string, string>();
  let marker = "";
  for (const w of words) {
    if (ROLE_MARKERS.has(w)) marker = w;
    else if (!roles.has(w)) roles.set(w, marker);
  }
  return roles;
}

/**
 * True when a word both prompts share follows another role marker in each, as when
 * entities of several words trade places: "from Boston to New York" / "from New York to Boston",
 * "Is Mount Everest taller than K2" / "Is K2 taller than Mount Everest".
 */
function changedRoles(a: string[], b: string[]): boolean {
  const ra = rolesOf(a);
  const rb = rolesOf(b);
  for (const [word, role] of ra) {
    const other = rb.get(word);
    if (other !== undefined && other !== role) return true;
  }
  return false;
}

/** Meaning words plus role markers, for the order check. */
function orderWords(text: string): string[] {
  return lexicalWords(text)
    .map(stem)
    .filter((w) => ROLE_MARKERS.has(w) || (!isStopword(w) && !FRAMING.has(w)));
}

/**
 * `words` with each word that is a typo of one in `reference` written as that word, so the order
 * checks see "chasse" as the "chase" it stands for: otherwise a typo in the word between two
 * entities hides their swap ("Does the dog chase the cat" / "Does the cat chasse the dog").
 */
function spelledAs(words: string[], reference: string[]): string[] {
  return words.map((w) => (reference.includes(w) ? w : (reference.find((r) => sameWord(w, r)) ?? w)));
}

/**
 * The default check before a semantic hit is served, chosen for precision: the two prompts must
 * ask about the same things (the same meaning words, stemmed, one typo allowed per word of five
 * or more letters; words that only frame the question, like "could you tell me", do not count),
 * with the same numbers, negations and names (`sameKeyFacts`), and without two of them trading
 * places ("Did Alice pay Bob?" / "Did Bob pay Alice?"). It turns away the near-misses that
 * embeddings score as near-identical (other units, comparatives, before / after, a different
 * verb) and, with them, paraphrases that use other words: those need a neural embedder and a
 * guard of your own (`verify: sameKeyFacts` keeps only the facts check).
 */
export function sameQuestion(cachedPrompt: string, prompt: string): boolean {
  if (!sameKeyFacts(cachedPrompt, prompt)) return false;
  const a = meaningWords(cachedPrompt);
  const b = meaningWords(prompt);
  if (!covered(a, b) || !covered(b, a)) return false;
  const oa = orderWords(cachedPrompt);
  const ob = spelledAs(orderWords(prompt), oa);
  return !swappedRoles(oa, ob) && !changedRoles(oa, ob);
}
