import { EvalInputError } from "../errors/index.js";
import type { ScoreResult, Scorer } from "../runner/types.js";

/**
 * Several judges on one metric: each scores the output and the panel reports the mean, with
 * each judge's score in `details` and the spread as a disagreement signal.
 */
export function judgePanel(
  judges: readonly Scorer[],
  options: { name?: string; threshold?: number } = {},
): Scorer {
  if (judges.length < 2) throw new EvalInputError("a judge panel needs at least two judges");
  return {
    name: options.name ?? "panel",
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    async score(input, call) {
      const results: ScoreResult[] = await Promise.all(judges.map((j) => j.score(input, call)));
      const scores = results.map((r) => r.score);
      const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
      return {
        score: mean,
        details: {
          judges: Object.fromEntries(judges.map((j, i) => [j.name, results[i]])),
          spread: Math.max(...scores) - Math.min(...scores),
        },
      };
    },
  };
}
