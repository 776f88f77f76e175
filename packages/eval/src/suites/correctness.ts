import type { WordNet } from "../metrics/wordnet.js";
import { referenceScorer } from "../runner/scorers.js";
import type { Scorer } from "../runner/types.js";

/**
 * The correctness suite's reference-based scorers: SQuAD exact match and F1, ROUGE-L, and
 * METEOR when WordNet is given. Add `rubricJudge` for open-ended answers.
 */
export function correctnessScorers(
  options: { wordnet?: WordNet | null; f1Threshold?: number } = {},
): Scorer[] {
  return [
    referenceScorer("squad_em"),
    referenceScorer("squad_f1", options.f1Threshold === undefined ? {} : { threshold: options.f1Threshold }),
    referenceScorer("rougeL"),
    ...(options.wordnet !== undefined ? [referenceScorer("meteor", { wordnet: options.wordnet })] : []),
  ];
}
