import { type EventHub, events as globalEvents } from "@keel/core";
import { EvalInputError } from "../errors/index.js";
import { toRunError } from "../runner/run-eval.js";
import type { EvalCase, EvalTask, RunError } from "../runner/types.js";

/** How consistent one case's answers were over repeated runs. */
export interface CaseConsistency {
  id: string;
  /** Share of runs that gave the most common (normalized) answer. */
  agreement: number;
  distinct: number;
  outputs: string[];
  errors: RunError[];
}

/** Options of `measureConsistency`. */
export interface ConsistencyOptions {
  dataset: readonly EvalCase[];
  task: EvalTask & { label?: string };
  /** Runs per case, default 5. */
  runs?: number;
  seed?: number;
  /** Maps an answer before comparing (default: trim and collapse whitespace). */
  normalize?: (output: string) => string;
  events?: EventHub;
  signal?: AbortSignal;
}

const collapse = (s: string) => s.trim().replace(/\s+/g, " ");

/**
 * The reliability suite: runs every case N times (the task should use temperature 0, as
 * `modelTask` does) and reports the agreement rate per case and overall; each case's agreement
 * is emitted as `eval.scored` with metric `consistency`. Failed runs count as disagreeing.
 */
export async function measureConsistency(
  options: ConsistencyOptions,
): Promise<{ agreement: number; cases: CaseConsistency[] }> {
  const runs = options.runs ?? 5;
  if (!Number.isInteger(runs) || runs < 2)
    throw new EvalInputError(`consistency needs at least 2 runs per case, got ${runs}`);
  const normalize = options.normalize ?? collapse;
  const hub = options.events ?? globalEvents;
  const cases: CaseConsistency[] = [];
  for (const c of options.dataset) {
    const outputs: string[] = [];
    const errors: RunError[] = [];
    for (let r = 0; r < runs; r++) {
      try {
        const out = await options.task(c, {
          seed: options.seed ?? 0,
          repetition: r,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        outputs.push(out.output);
      } catch (e) {
        if (options.signal?.aborted) throw e;
        errors.push(toRunError(e));
      }
    }
    const counts = new Map<string, number>();
    for (const o of outputs) counts.set(normalize(o), (counts.get(normalize(o)) ?? 0) + 1);
    const top = Math.max(0, ...counts.values());
    const agreement = top / runs;
    cases.push({ id: c.id, agreement, distinct: counts.size, outputs, errors });
    hub.emit(
      "eval.scored",
      {
        metric: "consistency",
        score: agreement,
        ...(options.task.label ? { model: options.task.label } : {}),
      },
      { evalCase: c.id },
    );
  }
  const agreement = cases.length ? cases.reduce((s, c) => s + c.agreement, 0) / cases.length : 0;
  return { agreement, cases };
}
