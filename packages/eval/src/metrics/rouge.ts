import { EvalInputError } from "../errors/index.js";
import { cachedPorterStemmer } from "../text/porter-stemmer.js";
import { countIdNgrams, internTokens } from "./ngrams.js";

/** Precision, recall and F1 of one ROUGE type. */
export interface RougeScore {
  p: number;
  r: number;
  f: number;
}

/** ROUGE types this package computes (sentence-level ROUGE-L, not `rougeLsum`). */
export type RougeType = "rouge1" | "rouge2" | "rougeL" | `rouge${number}`;

/** Options of `rouge`. */
export interface RougeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge-score `use_stemmer`), default false. */
  stem?: boolean;
  /** Types to compute, default `["rouge1", "rouge2", "rougeL"]`. */
  types?: readonly RougeType[];
}

const NON_ALNUM = /[^a-z0-9]+/g;
const VALID = /^[a-z0-9]+$/;
const stemmer = cachedPorterStemmer();

/** rouge-score's default tokenizer: lowercase, non-[a-z0-9] runs to spaces, optional stemming of tokens longer than 3. */
export function rougeTokenize(text: string, stem = false): string[] {
  const parts = text.toLowerCase().replace(NON_ALNUM, " ").split(/\s+/);
  const out: string[] = [];
  for (const part of parts) {
    const token = stem && part.length > 3 ? stemmer(part) : part;
    if (VALID.test(token)) out.push(token);
  }
  return out;
}

const fmeasure = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** rouge-score `_score_ngrams` on token lists. */
export function rougeN(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const { ids, base } = internTokens([target, prediction]);
  const t = countIdNgrams(ids[0]!, n, base);
  const pr = countIdNgrams(ids[1]!, n, base);
  let overlap = 0;
  for (const [gram, c] of t) overlap += Math.min(c, pr.get(gram) ?? 0);
  const tCount = Math.max(0, target.length - n + 1);
  const pCount = Math.max(0, prediction.length - n + 1);
  const p = overlap / Math.max(pCount, 1);
  const r = overlap / Math.max(tCount, 1);
  return { p, r, f: fmeasure(p, r) };
}

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // One row of the DP table suffices for the length.
  const row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = ai === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

/** rouge-score `_score_lcs` (sentence-level ROUGE-L) on token lists. */
export function rougeLcs(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { p: 0, r: 0, f: 0 };
  const lcs = lcsLength(target, prediction);
  const p = lcs / prediction.length;
  const r = lcs / target.length;
  return { p, r, f: fmeasure(p, r) };
}

function scoreType(type: RougeType, target: readonly string[], prediction: readonly string[]): RougeScore {
  if (type === "rougeL") return rougeLcs(target, prediction);
  const n = Number(type.slice(5));
  if (!Number.isInteger(n) || n < 1) throw new EvalInputError(`unknown ROUGE type "${type}"`);
  return rougeN(target, prediction, n);
}

/** rouge-score's plain and stemmed tokens of one text, from one pass of the tokenizer. */
export function rougeTokensBoth(text: string): { plain: string[]; stemmed: string[] } {
  const plain = rougeTokenize(text, false);
  // Stems of [a-z0-9] tokens stay [a-z0-9] and non-empty, so no token is dropped after stemming.
  return { plain, stemmed: plain.map((t) => (t.length > 3 ? stemmer(t) : t)) };
}

/** `rouge` on already tokenized text (see `rougeTokenize`): per type, the reference with the best F. */
export function rougeFromTokens(
  prediction: readonly string[],
  targets: readonly (readonly string[])[],
  types: readonly RougeType[] = ["rouge1", "rouge2", "rougeL"],
): Record<string, RougeScore> {
  const out: Record<string, RougeScore> = {};
  for (const type of types) {
    let best: RougeScore | undefined;
    for (const target of targets) {
      const s = scoreType(type, target, prediction);
      if (best === undefined || s.f > best.f) best = s;
    }
    if (best === undefined) throw new EvalInputError("ROUGE needs at least one reference");
    out[type] = best;
  }
  return out;
}

/**
 * ROUGE as Google's `rouge-score` computes it (`RougeScorer.score_multi`): each reference scored
 * separately, and per type the reference with the highest F (the first on ties) reported.
 */
export function rouge(
  prediction: string,
  references: string | readonly string[],
  options: RougeOptions = {},
): Record<string, RougeScore> {
  const refs = typeof references === "string" ? [references] : references;
  const types = options.types ?? ["rouge1", "rouge2", "rougeL"];
  const stem = options.stem ?? false;
  return rougeFromTokens(
    rougeTokenize(prediction, stem),
    refs.map((r) => rougeTokenize(r, stem)),
    types,
  );
}
