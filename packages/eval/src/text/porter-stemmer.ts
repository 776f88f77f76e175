// A literal port of NLTK 3.8's `nltk.stem.porter.PorterStemmer` in its default NLTK_EXTENSIONS
// mode, which rouge-score (use_stemmer) and NLTK's METEOR both use. Generic Porter packages
// differ from it on some words (irregular forms, step 1c, the extra step-2 rules).

import { pyLen } from "./python-text.js";

const IRREGULAR: Record<string, string> = {
  sky: "sky",
  skies: "sky",
  dying: "die",
  lying: "lie",
  tying: "tie",
  news: "news",
  innings: "inning",
  inning: "inning",
  outings: "outing",
  outing: "outing",
  cannings: "canning",
  canning: "canning",
  howe: "howe",
  proceed: "proceed",
  exceed: "exceed",
  succeed: "succeed",
};

function isVowelChar(c: string): boolean {
  return c === "a" || c === "e" || c === "i" || c === "o" || c === "u";
}

function isConsonant(word: string, i: number): boolean {
  const c = word[i]!;
  if (isVowelChar(c)) return false;
  if (c === "y") return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** Number of "vc" transitions in the consonant/vowel pattern of `stem`. */
function measure(stem: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i);
    if (consonant && prevVowel) m++;
    prevVowel = !consonant;
  }
  return m;
}

const positiveMeasure = (stem: string) => measure(stem) > 0;

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

function endsCvc(word: string): boolean {
  const n = word.length;
  return (
    (n >= 3 &&
      isConsonant(word, n - 3) &&
      !isConsonant(word, n - 2) &&
      isConsonant(word, n - 1) &&
      word[n - 1] !== "w" &&
      word[n - 1] !== "x" &&
      word[n - 1] !== "y") ||
    (n === 2 && !isConsonant(word, 0) && isConsonant(word, 1))
  );
}

type Rule = readonly [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** Applies the first rule whose suffix matches; a matching rule whose condition fails ends the list. */
function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === "*d" && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = suffix === "" ? word : word.slice(0, -suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A: readonly Rule[] = [
  ["sses", "ss", null],
  ["ies", "i", null],
  ["ss", "ss", null],
  ["s", "", null],
];

function step1a(word: string): string {
  if (word.endsWith("ies") && word.length === 4) return `${word.slice(0, -3)}ie`;
  return applyRules(word, STEP1A);
}

function step1b(word: string): string {
  if (word.endsWith("ied")) return word.length === 4 ? `${word.slice(0, -3)}ie` : `${word.slice(0, -3)}i`;
  if (word.endsWith("eed")) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : word;
  }
  let intermediate: string | undefined;
  for (const suffix of ["ed", "ing"]) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, -suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === undefined) return word;
  const last = intermediate[intermediate.length - 1] ?? "";
  return applyRules(intermediate, [
    ["at", "ate", null],
    ["bl", "ble", null],
    ["iz", "ize", null],
    ["*d", last, () => last !== "l" && last !== "s" && last !== "z"],
    ["", "e", (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

const STEP1C: readonly Rule[] = [["y", "i", (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]];

const STEP2_BASE: readonly Rule[] = [
  ["ational", "ate", positiveMeasure],
  ["tional", "tion", positiveMeasure],
  ["enci", "ence", positiveMeasure],
  ["anci", "ance", positiveMeasure],
  ["izer", "ize", positiveMeasure],
  ["bli", "ble", positiveMeasure],
  ["alli", "al", positiveMeasure],
  ["entli", "ent", positiveMeasure],
  ["eli", "e", positiveMeasure],
  ["ousli", "ous", positiveMeasure],
  ["ization", "ize", positiveMeasure],
  ["ation", "ate", positiveMeasure],
  ["ator", "ate", positiveMeasure],
  ["alism", "al", positiveMeasure],
  ["iveness", "ive", positiveMeasure],
  ["fulness", "ful", positiveMeasure],
  ["ousness", "ous", positiveMeasure],
  ["aliti", "al", positiveMeasure],
  ["iviti", "ive", positiveMeasure],
  ["biliti", "ble", positiveMeasure],
  ["fulli", "ful", positiveMeasure],
];

function step2(word: string): string {
  if (word.endsWith("alli") && positiveMeasure(word.slice(0, -4))) return step2(`${word.slice(0, -4)}al`);
  // NLTK's "logi" rule tests the measure of the word minus three letters, not of the stem.
  return applyRules(word, [...STEP2_BASE, ["logi", "log", () => positiveMeasure(word.slice(0, -3))]]);
}

const STEP3: readonly Rule[] = [
  ["icate", "ic", positiveMeasure],
  ["ative", "", positiveMeasure],
  ["alize", "al", positiveMeasure],
  ["iciti", "ic", positiveMeasure],
  ["ical", "ic", positiveMeasure],
  ["ful", "", positiveMeasure],
  ["ness", "", positiveMeasure],
];

const measureGt1 = (stem: string) => measure(stem) > 1;
const STEP4: readonly Rule[] = [
  ["al", "", measureGt1],
  ["ance", "", measureGt1],
  ["ence", "", measureGt1],
  ["er", "", measureGt1],
  ["ic", "", measureGt1],
  ["able", "", measureGt1],
  ["ible", "", measureGt1],
  ["ant", "", measureGt1],
  ["ement", "", measureGt1],
  ["ment", "", measureGt1],
  ["ent", "", measureGt1],
  ["ion", "", (stem) => measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))],
  ["ou", "", measureGt1],
  ["ism", "", measureGt1],
  ["ate", "", measureGt1],
  ["iti", "", measureGt1],
  ["ous", "", measureGt1],
  ["ive", "", measureGt1],
  ["ize", "", measureGt1],
];

function step5a(word: string): string {
  if (word.endsWith("e")) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1) return stem;
    if (m === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

function step5b(word: string): string {
  return applyRules(word, [["ll", "l", () => measure(word.slice(0, -1)) > 1]]);
}

/** Runs the steps on an already lowercased word whose characters are all in the BMP. */
function steps(lowered: string): string {
  let stem = step1a(lowered);
  stem = step1b(stem);
  stem = applyRules(stem, STEP1C);
  stem = step2(stem);
  stem = applyRules(stem, STEP3);
  stem = applyRules(stem, STEP4);
  stem = step5a(stem);
  return step5b(stem);
}

const SURROGATE = /[\ud800-\udfff]/;
const ASTRAL = /[\ud800-\udbff][\udc00-\udfff]/g;

/**
 * Stems one word exactly as NLTK 3.8's `PorterStemmer().stem(word)` does (NLTK_EXTENSIONS mode,
 * lowercasing first). Characters outside the BMP count as one letter, as in Python.
 */
export function porterStem(word: string): string {
  // NLTK checks the irregular forms and the length on the word as given, then stems it lowercased.
  if (Object.hasOwn(IRREGULAR, word)) return IRREGULAR[word]!;
  const lowered = word.toLowerCase();
  if (!SURROGATE.test(lowered)) return pyLen(word) <= 2 ? lowered : steps(lowered);
  if (pyLen(word) <= 2) return lowered;
  // Python indexes code points; swap each astral character for a private-use BMP stand-in so
  // lengths and "last two letters equal" tests see one character, then swap back.
  const toStandIn = new Map<string, string>();
  const fromStandIn = new Map<string, string>();
  const bmp = lowered.replace(ASTRAL, (ch) => {
    let s = toStandIn.get(ch);
    if (s === undefined) {
      s = String.fromCharCode(0xf8ff - toStandIn.size);
      toStandIn.set(ch, s);
      fromStandIn.set(s, ch);
    }
    return s;
  });
  const out = steps(bmp);
  return fromStandIn.size === 0 ? out : out.replace(/[\ue000-\uf8ff]/g, (c) => fromStandIn.get(c) ?? c);
}

/** A Porter stemmer that remembers up to `max` stems (words repeat heavily in evaluation data). */
export function cachedPorterStemmer(max = 50_000): (word: string) => string {
  const cache = new Map<string, string>();
  return (word) => {
    let s = cache.get(word);
    if (s === undefined) {
      s = porterStem(word);
      if (cache.size >= max) cache.clear();
      cache.set(word, s);
    }
    return s;
  };
}
