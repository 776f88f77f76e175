import { InvalidRequestError } from "../errors.js";
import type { EmbeddingModel } from "../model.js";

/** Words that carry little meaning on their own; they still count, at a lower weight. */
const STOPWORDS = new Set(
  "a an the is are was were be been being am do does did of to in on at for from by with and or as it its this that these those i you he she we they me my your our their what which who whom how when where why can could would should will shall may might must has have had please tell".split(
    " ",
  ),
);

function hash(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Contractions spelled out, so "what's" meets "what is" and "don't" carries a "not". */
const CONTRACTIONS: Array<[RegExp, string]> = [
  [/n['’]t\b/g, " not"],
  [/\b(what|where|who|how|when|why|that|it|there|here)['’]s\b/g, "$1 is"],
  [/['’]s\b/g, ""],
  [/['’]re\b/g, " are"],
  [/['’]ll\b/g, " will"],
  [/['’]ve\b/g, " have"],
  [/['’]m\b/g, " am"],
  [/['’]d\b/g, " would"],
];

/** Lower-cased words with contractions spelled out (so negation is a word of its own). */
export function lexicalWords(text: string): string[] {
  let normalized = text.normalize("NFKC").toLowerCase();
  for (const [pattern, replacement] of CONTRACTIONS) normalized = normalized.replace(pattern, replacement);
  return normalized.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** True for a word that carries little meaning on its own ("the", "how", "can", ...). */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** A crude suffix stripper (plurals, -ing, -ed) so "branches" meets "branch" and "Sundays" "Sunday". */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/ies$/, "y").replace(/(ing|ed|es|s)$/, "");
}

/**
 * A deterministic, dependency-free embedder: hashed, stemmed word unigrams (stopwords at a
 * tenth of the weight) plus bigrams of all words and of content words, which carry word order
 * so "Paris to London" differs from "London to Paris", with signed feature hashing. The
 * weights were chosen on Keel's own labelled pair set (cache/testdata), so its figures there
 * are optimistic. It needs no model download, so tests and
 * benchmarks run offline. It is lexical, not neural: it knows no synonyms, and its similarity
 * figures are not those of a sentence-embedding model (see cache/semantic-eval.test.ts).
 */
export function lexicalEmbedder(options: { dimensions?: number } = {}): EmbeddingModel {
  const dims = options.dimensions ?? 512;
  if (!Number.isInteger(dims) || dims < 16)
    throw new InvalidRequestError(`lexicalEmbedder: dimensions must be an integer >= 16, got ${dims}`);

  function embedOne(text: string): number[] {
    const vector = new Array<number>(dims).fill(0);
    const add = (feature: string, weight: number) => {
      const sign = hash(feature, 0x9747b28c) & 1 ? 1 : -1;
      vector[hash(feature, 0x811c9dc5) % dims]! += sign * weight;
    };
    const words = lexicalWords(text).map(stem);
    const content = words.filter((w) => !STOPWORDS.has(w));
    for (let i = 0; i < words.length; i++) {
      add(`w:${words[i]}`, STOPWORDS.has(words[i]!) ? 0.1 : 1);
      if (i + 1 < words.length) add(`b:${words[i]} ${words[i + 1]}`, 0.2);
    }
    // Bigrams of content words alone make order count even across stopwords ("Paris to London").
    for (let i = 0; i + 1 < content.length; i++) add(`c:${content[i]} ${content[i + 1]}`, 0.7);
    return vector;
  }

  return {
    provider: "keel",
    id: `lexical-v2-${dims}`,
    dimensions: dims,
    maxBatchSize: 2048,
    async embed(texts) {
      return { embeddings: texts.map(embedOne) };
    },
  };
}
