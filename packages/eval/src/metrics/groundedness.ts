import { cachedPorterStemmer } from "../text/porter-stemmer.js";

/** One claim of an answer and whether the context supports it. */
export interface ClaimSupport {
  claim: string;
  supported: boolean;
  /** Share of the claim's content words found in the context (lexical variant). */
  overlap?: number;
  /** The judge's reason (model variant). */
  reason?: string;
}

/** Groundedness: the share of the answer's claims that the context supports. */
export interface Groundedness {
  score: number;
  claims: ClaimSupport[];
}

// Function words carry no claim; leaving them out keeps "the", "is" from counting as support.
const STOPWORDS = new Set(
  `a an the and or but if then of to in on at by for with from as is are was were be been being it its this that
these those there here he she they we you i his her their our your my me him them us not no do does did has have
had will would can could should may might must shall which who whom whose what when where why how than so such
also very just only into over under about after before between during while because up down out off again more
most some any each other all both few same own too`.split(/\s+/),
);
const stem = cachedPorterStemmer();

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);
}

/** Splits an answer into sentence-like claims (on . ! ? and line breaks). */
export function splitClaims(answer: string): string[] {
  return answer
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => contentWords(s).length > 0);
}

/**
 * The cheap lexical variant of groundedness: a claim counts as supported when at least
 * `minOverlap` (default 0.6) of its stemmed content words occur in the context. It catches
 * invented entities and numbers, not paraphrased contradictions; use `groundednessJudge` for those.
 * An answer with no claims scores 1 (it asserts nothing); no context scores 0.
 */
export function lexicalGroundedness(
  answer: string,
  context: string | readonly string[],
  options: { minOverlap?: number } = {},
): Groundedness {
  const minOverlap = options.minOverlap ?? 0.6;
  const vocab = new Set(contentWords(typeof context === "string" ? context : context.join("\n")));
  const claims = splitClaims(answer).map((claim) => {
    const words = contentWords(claim);
    const overlap = words.filter((w) => vocab.has(w)).length / words.length;
    return { claim, overlap, supported: overlap >= minOverlap };
  });
  if (claims.length === 0) return { score: 1, claims };
  return { score: claims.filter((c) => c.supported).length / claims.length, claims };
}
