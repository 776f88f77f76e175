import { EvalInputError } from "../errors/index.js";
import { cachedPorterStemmer } from "../text/porter-stemmer.js";
import type { WordNet } from "./wordnet.js";

/** Options of `meteor`. */
export interface MeteorOptions {
  /**
   * WordNet for the synonym stage (`WordNetDatabase`, or `loadWordNet(dir)` from `@keel/eval/node`).
   * `null` skips that stage: the exact + stem variant, which is not NLTK's default score.
   */
  wordnet: WordNet | null;
  /** Default 0.9. */
  alpha?: number;
  /** Default 3. */
  beta?: number;
  /** Default 0.5. */
  gamma?: number;
  /** Applied to every token first, default lowercasing (NLTK `preprocess=str.lower`). */
  preprocess?: (token: string) => string;
  /** Default NLTK's Porter stemmer. */
  stem?: (word: string) => string;
}

type Enum = [index: number, word: string];
type Match = [hyp: number, ref: number];

const defaultStem = cachedPorterStemmer();
const lower = (s: string) => s.toLowerCase();

/** NLTK `_match_enums`: hypothesis from last to first, each taking the last equal remaining reference word. */
function matchEnums(hyp: Enum[], ref: Enum[], matches: Match[]): void {
  for (let i = hyp.length - 1; i >= 0; i--) {
    const word = hyp[i]![1];
    for (let j = ref.length - 1; j >= 0; j--) {
      if (ref[j]![1] === word) {
        matches.push([hyp[i]![0], ref[j]![0]]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
}

function synonymMatch(hyp: Enum[], ref: Enum[], wordnet: WordNet, matches: Match[]): void {
  for (let i = hyp.length - 1; i >= 0; i--) {
    const word = hyp[i]![1];
    const synonyms = new Set<string>([word]);
    for (const name of wordnet.lemmaNames(word)) if (!name.includes("_")) synonyms.add(name);
    for (let j = ref.length - 1; j >= 0; j--) {
      if (synonyms.has(ref[j]![1])) {
        matches.push([hyp[i]![0], ref[j]![0]]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
}

/** NLTK `_enum_align_words`: exact, then Porter-stem, then WordNet-synonym matches, sorted by hypothesis index. */
export function alignWords(
  hypothesis: readonly string[],
  reference: readonly string[],
  options: MeteorOptions,
): Array<[hypothesisIndex: number, referenceIndex: number]> {
  const preprocess = options.preprocess ?? lower;
  const stem = options.stem ?? defaultStem;
  let hyp: Enum[] = hypothesis.map((w, i) => [i, preprocess(w)]);
  let ref: Enum[] = reference.map((w, i) => [i, preprocess(w)]);
  const matches: Match[] = [];
  matchEnums(hyp, ref, matches);
  // The stem stage hands the stemmed words on to the synonym stage.
  hyp = hyp.map(([i, w]) => [i, stem(w)]);
  ref = ref.map(([i, w]) => [i, stem(w)]);
  matchEnums(hyp, ref, matches);
  if (options.wordnet) synonymMatch(hyp, ref, options.wordnet, matches);
  // Stable sort by hypothesis index, as Python's sorted().
  return matches.sort((a, b) => a[0] - b[0]);
}

/** NLTK `_count_chunks`: runs of matches adjacent in both hypothesis and reference. */
export function countChunks(matches: ReadonlyArray<readonly [number, number]>): number {
  let chunks = 1;
  for (let i = 0; i < matches.length - 1; i++) {
    const a = matches[i]!;
    const b = matches[i + 1]!;
    if (!(b[0] === a[0] + 1 && b[1] === a[1] + 1)) chunks++;
  }
  return chunks;
}

function checkTokens(tokens: unknown, what: string): void {
  if (typeof tokens === "string" || !Array.isArray(tokens))
    throw new EvalInputError(`METEOR expects the ${what} as a list of tokens, not a string`);
}

/** METEOR of one hypothesis against one reference, as NLTK 3.8's `single_meteor_score`. 0 when nothing matches. */
export function singleMeteor(
  reference: readonly string[],
  hypothesis: readonly string[],
  options: MeteorOptions,
): number {
  checkTokens(reference, "reference");
  checkTokens(hypothesis, "hypothesis");
  const alpha = options.alpha ?? 0.9;
  const beta = options.beta ?? 3;
  const gamma = options.gamma ?? 0.5;
  const matches = alignWords(hypothesis, reference, options);
  const m = matches.length;
  if (m === 0 || hypothesis.length === 0 || reference.length === 0) return 0;
  const precision = m / hypothesis.length;
  const recall = m / reference.length;
  const denominator = alpha * precision + (1 - alpha) * recall;
  if (denominator === 0) return 0;
  const fmean = (precision * recall) / denominator;
  const fragFrac = countChunks(matches) / m;
  const penalty = gamma * fragFrac ** beta;
  return (1 - penalty) * fmean;
}

/**
 * METEOR as NLTK 3.8's `meteor_score(references, hypothesis)` computes it on pre-tokenized input
 * (lowercased; exact, Porter-stem and WordNet-synonym alignment; α 0.9, β 3, γ 0.5): the best
 * score over the references.
 */
export function meteor(
  references: readonly (readonly string[])[],
  hypothesis: readonly string[],
  options: MeteorOptions,
): number {
  if (references.length === 0) throw new EvalInputError("METEOR needs at least one reference");
  let best = -Infinity;
  for (const reference of references) best = Math.max(best, singleMeteor(reference, hypothesis, options));
  return best;
}
