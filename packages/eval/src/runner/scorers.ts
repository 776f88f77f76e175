import type { EmbeddingModel } from "@keel/core";
import type { z } from "zod";
import { EvalInputError } from "../errors/index.js";
import { bleuFromStats, bleuStats, smoothing } from "../metrics/bleu.js";
import { bagOfWordsCosine, cosineSimilarity } from "../metrics/cosine.js";
import { lexicalGroundedness } from "../metrics/groundedness.js";
import { jsonValidity } from "../metrics/json-validity.js";
import { meteor } from "../metrics/meteor.js";
import { rouge } from "../metrics/rouge.js";
import { sacreSentenceBleu } from "../metrics/sacrebleu.js";
import { squadExactMatch, squadF1 } from "../metrics/squad.js";
import { contains, exactMatch, matchesRegex } from "../metrics/text-checks.js";
import type { WordNet } from "../metrics/wordnet.js";
import { pySplit } from "../text/python-text.js";
import type { EvalCase, Scorer } from "./types.js";

function references(c: EvalCase, metric: string): string[] {
  if (c.expected === undefined)
    throw new EvalInputError(`case "${c.id}" has no expected answer, which ${metric} needs`);
  const refs = typeof c.expected === "string" ? [c.expected] : c.expected;
  if (refs.length === 0)
    throw new EvalInputError(`case "${c.id}" has an empty expected list, which ${metric} needs`);
  return refs;
}

type ReferenceMetric =
  | "exact_match"
  | "squad_em"
  | "squad_f1"
  | "bleu"
  | "bleu_smooth1"
  | "bleu_smooth4"
  | "sacrebleu"
  | "rouge1"
  | "rouge2"
  | "rougeL"
  | "meteor";

/**
 * A scorer for a reference-based text metric against the case's `expected` answer(s). Scores are
 * 0–1 (sacreBLEU is divided by 100; ROUGE reports F with p/r in `details`). METEOR needs `wordnet`.
 */
export function referenceScorer(
  metric: ReferenceMetric,
  options: { threshold?: number; name?: string; stem?: boolean; wordnet?: WordNet | null } = {},
): Scorer {
  if (metric === "meteor" && options.wordnet === undefined)
    throw new EvalInputError(
      "the meteor scorer needs { wordnet } (a WordNet database, or null for exact + stem only)",
    );
  return {
    name: options.name ?? (options.stem ? `${metric}_stem` : metric),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    score({ case: c, output }) {
      const refs = references(c, metric);
      switch (metric) {
        case "exact_match":
          return { score: exactMatch(output, refs) };
        case "squad_em":
          return { score: squadExactMatch(output, refs) };
        case "squad_f1":
          return { score: squadF1(output, refs) };
        case "bleu":
        case "bleu_smooth1":
        case "bleu_smooth4": {
          const stats = bleuStats([refs.map(pySplit)], [pySplit(output)]);
          const s =
            metric === "bleu" ? undefined : metric === "bleu_smooth1" ? smoothing.method1 : smoothing.method4;
          return { score: bleuFromStats(stats, s ? { smoothing: s } : {}) };
        }
        case "sacrebleu":
          return { score: sacreSentenceBleu(output, refs).score / 100 };
        case "meteor":
          return { score: meteor(refs.map(pySplit), pySplit(output), { wordnet: options.wordnet ?? null }) };
        default: {
          const r = rouge(output, refs, { stem: options.stem ?? false, types: [metric] })[metric]!;
          return { score: r.f, details: { p: r.p, r: r.r, f: r.f } };
        }
      }
    },
  };
}

/** 1 when the output contains the text (or each of the case's `expected` strings when none is given). */
export function containsScorer(
  needle?: string,
  options: { ignoreCase?: boolean; name?: string } = {},
): Scorer {
  return {
    name: options.name ?? "contains",
    threshold: 1,
    score({ case: c, output }) {
      const needles = needle === undefined ? references(c, "contains") : [needle];
      return { score: needles.every((n) => contains(output, n, options) === 1) ? 1 : 0 };
    },
  };
}

/** 1 when the regular expression matches the output. */
export function regexScorer(
  pattern: RegExp | string,
  options: { flags?: string; name?: string } = {},
): Scorer {
  return {
    name: options.name ?? "regex",
    threshold: 1,
    score: ({ output }) => ({ score: matchesRegex(output, pattern, options.flags) }),
  };
}

/** 1 when the output is JSON valid against the schema (JSON Schema or zod); the violations go in `explanation`. */
export function jsonSchemaScorer(
  schema: Record<string, unknown> | z.ZodType | undefined,
  options: { extract?: boolean; name?: string } = {},
): Scorer {
  return {
    name: options.name ?? "json_valid",
    threshold: 1,
    score({ output }) {
      const v = jsonValidity(output, schema, options);
      return { score: v.score, ...(v.errors.length ? { explanation: v.errors.join("; ") } : {}) };
    },
  };
}

/** Lexical groundedness against the case's `context` passages (see `lexicalGroundedness`). */
export function lexicalGroundednessScorer(
  options: { minOverlap?: number; threshold?: number; name?: string } = {},
): Scorer {
  return {
    name: options.name ?? "groundedness",
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    score({ case: c, output }) {
      if (!c.context) throw new EvalInputError(`case "${c.id}" has no context, which groundedness needs`);
      const g = lexicalGroundedness(output, c.context, options);
      const unsupported = g.claims.filter((x) => !x.supported).map((x) => x.claim);
      return {
        score: g.score,
        ...(unsupported.length ? { explanation: `unsupported: ${unsupported.join(" | ")}` } : {}),
        details: { claims: g.claims },
      };
    },
  };
}

/**
 * Cosine similarity of the output to the closest expected answer: embeddings from any core
 * `EmbeddingModel` (one `embed` call per case), or bag-of-words counts when no model is given.
 * Negative cosines are reported as 0 so the score stays in 0–1.
 */
export function similarityScorer(
  options: { model?: EmbeddingModel; threshold?: number; name?: string } = {},
): Scorer {
  return {
    name: options.name ?? (options.model ? "embedding_similarity" : "bow_similarity"),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    async score({ case: c, output }, call) {
      const refs = references(c, "similarity");
      let best: number;
      if (options.model) {
        const { embeddings } = await options.model.embed([output, ...refs], call);
        if (embeddings.length !== refs.length + 1)
          throw new EvalInputError(
            `embedding model returned ${embeddings.length} vectors for ${refs.length + 1} texts`,
          );
        best = Math.max(...embeddings.slice(1).map((e) => cosineSimilarity(embeddings[0]!, e)));
      } else best = Math.max(...refs.map((r) => bagOfWordsCosine(output, r)));
      return { score: Math.max(0, best) };
    },
  };
}
