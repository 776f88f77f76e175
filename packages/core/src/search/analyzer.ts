import { stemmer } from "stemmer";
import { InvalidRequestError } from "../errors.js";

/** Turns text into the terms an index stores and a query looks up. */
export type Analyzer = (text: string) => string[];

/** How `createAnalyzer` builds an analyzer; every field is serializable, so an index can save it. */
export interface AnalyzerOptions {
  /** Words dropped from documents and queries; `false` keeps every word. Default: Lucene's English list. */
  stopwords?: readonly string[] | false;
  /** `"porter"` (the default, as Lucene's and Anserini's English analyzer) or `false` for none. */
  stemmer?: "porter" | false;
  /** Fold case and Latin diacritics ("Ångström" → "angstrom"). Default true. */
  fold?: boolean;
  /** Tokens longer than this many characters are dropped, as Lucene's StandardTokenizer does. Default 255. */
  maxTokenLength?: number;
}

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, the list Anserini's BM25 baselines use. */
export const ENGLISH_STOPWORDS: readonly string[] = Object.freeze(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

// Letters and digits joined across an inner apostrophe or full stop ("don't", "e.g", "3.5") and
// digits across a comma ("1,000"), approximating Unicode word boundaries (UAX #29) as Lucene's
// StandardTokenizer applies them; hyphens split. Han, Hiragana and Katakana come out one
// character a token, as StandardTokenizer emits them.
const TOKEN = /[\p{L}\p{M}\p{N}_]+(?:(?:['’.](?=[\p{L}\p{N}])|,(?=\p{N}))[\p{L}\p{M}\p{N}_]+)*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_SPLIT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[\u0080-\uffff]/;
const LIGATURES: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ı: "i",
  þ: "th",
};
const LIGATURE = /[ßæœøłđıþ]/g;
const PORTER_STEMMABLE = /^[a-z]+$/;
const STEM_CACHE_LIMIT = 200_000;

/** Lower-cases and strips Latin diacritics, so "Café" and "cafe" are one term. */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .replace(LIGATURE, (c) => LIGATURES[c]!)
    .normalize("NFC");
}

/**
 * Builds an analyzer: Unicode word tokens, case and diacritic folding, English possessives
 * removed, stopwords dropped, Porter stemming (the `stemmer` package) — the chain of Lucene's
 * English analyzer, which Anserini's published BM25 baselines use.
 */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const stopList = options.stopwords === undefined ? ENGLISH_STOPWORDS : options.stopwords;
  if (stopList !== false && !Array.isArray(stopList))
    throw new InvalidRequestError("createAnalyzer: stopwords must be an array of words or false");
  const fold = options.fold ?? true;
  const stopwords = new Set(stopList === false ? [] : stopList.map((w) => (fold ? foldText(w) : w)));
  const stem = options.stemmer ?? "porter";
  if (stem !== "porter" && stem !== false)
    throw new InvalidRequestError(`createAnalyzer: stemmer must be "porter" or false, got ${String(stem)}`);
  const maxLength = options.maxTokenLength ?? 255;
  const cache = new Map<string, string>();

  const stemOf = (word: string): string => {
    let stemmed = cache.get(word);
    if (stemmed === undefined) {
      stemmed = PORTER_STEMMABLE.test(word) ? stemmer(word) : word;
      if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
      cache.set(word, stemmed);
    }
    return stemmed;
  };

  return (text: string): string[] => {
    const source = fold ? foldText(text) : text;
    const out: string[] = [];
    const emit = (raw: string) => {
      let token = raw;
      if (token.length > maxLength) return;
      if (token.endsWith("'s") || token.endsWith("’s")) token = token.slice(0, -2);
      if (token.length === 0 || stopwords.has(token)) return;
      out.push(stem === "porter" ? stemOf(token) : token);
    };
    for (const match of source.matchAll(TOKEN)) {
      const token = match[0];
      if (NON_ASCII.test(token) && CJK.test(token)) for (const part of token.match(CJK_SPLIT)!) emit(part);
      else emit(token);
    }
    return out;
  };
}

let defaultAnalyzer: Analyzer | undefined;

/** Analyzes text with the default analyzer (English stopwords, Porter stemming, folding). */
export function analyze(text: string): string[] {
  defaultAnalyzer ??= createAnalyzer();
  return defaultAnalyzer(text);
}
