import type { Gate } from "../baseline/compare-runs.js";
import type { EvalCase, EvalTask, Scorer } from "../runner/types.js";

/** What `keel-eval run <config>` runs: the default export of a JavaScript module. */
export interface EvalConfig {
  name: string;
  /** A JSONL or CSV file (relative to the config file), or the cases themselves. */
  dataset: string | EvalCase[];
  /** Usually `modelTask(model, { system, prompt, middleware })`. */
  task: EvalTask & { label?: string };
  scorers: Scorer[];
  concurrency?: number;
  seed?: number;
  sample?: number;
  /** Where runs, journals and reports go (relative to the config file), default `eval-runs`. */
  outDir?: string;
  /** A stored run to compare with (relative to the config file); `--baseline` overrides it. */
  baseline?: string;
  gates?: Record<string, Gate>;
  /** Cache model outputs in `<outDir>/cache` (default true). */
  cache?: boolean;
  /** Stored with the run: prompt variant, model, settings. */
  config?: Record<string, unknown>;
}

/** Types a config module's default export. */
export function defineEvalConfig(config: EvalConfig): EvalConfig {
  return config;
}
