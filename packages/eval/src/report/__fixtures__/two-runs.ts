import { scriptedModel } from "@keel/core/testing";
import { compareRuns } from "../../baseline/compare-runs.js";
import { modelTask } from "../../runner/model-task.js";
import { runEval } from "../../runner/run-eval.js";
import { referenceScorer } from "../../runner/scorers.js";
import type { EvalCase } from "../../runner/types.js";

/** A baseline run and a worse candidate on the same 30 cases, with their comparison. */
export async function twoRuns() {
  const dataset: EvalCase[] = Array.from({ length: 30 }, (_, i) => ({
    id: `q${String(i).padStart(2, "0")}`,
    input: `What is ${i} plus ${i}?`,
    expected: `The answer is ${2 * i}.`,
  }));
  const good = scriptedModel((req) => {
    const n = Number(/What is (\d+)/.exec(String(req.messages.at(-1)!.content))?.[1]);
    return { text: `The answer is ${2 * n}.`, delayMs: 5 + (n % 7) };
  });
  const sloppy = scriptedModel((req) => {
    const n = Number(/What is (\d+)/.exec(String(req.messages.at(-1)!.content))?.[1]);
    return n % 3 === 0 ? `It is probably ${2 * n + 1} <b>maybe</b>.` : `The answer is ${2 * n}.`;
  });
  const scorers = [referenceScorer("squad_em", { threshold: 1 }), referenceScorer("rougeL")];
  const baseline = await runEval({
    name: "arith",
    dataset,
    task: modelTask(good, { name: "prompt-a" }),
    scorers,
    runId: "arith-a",
  });
  const run = await runEval({
    name: "arith",
    dataset,
    task: modelTask(sloppy, { name: "prompt-b" }),
    scorers,
    runId: "arith-b",
  });
  return { baseline, run, comparison: compareRuns(run, baseline) };
}
