import { scriptedModel } from "@keel/core/testing";
import { modelTask } from "../../runner/model-task.js";
import { referenceScorer } from "../../runner/scorers.js";
import { defineEvalConfig } from "../eval-config.js";

// Variant "good" knows every capital; "bad" misses three. KEEL_EVAL_VARIANT picks one.
const CAPITALS: Record<string, string> = {
  France: "Paris",
  Germany: "Berlin",
  Italy: "Rome",
  Spain: "Madrid",
  Portugal: "Lisbon",
  Austria: "Vienna",
};
const variant = process.env.KEEL_EVAL_VARIANT ?? "good";
const model = scriptedModel((req) => {
  const country = /Capital of (\w+)/.exec(String(req.messages.at(-1)!.content))?.[1] ?? "";
  if (variant === "bad" && ["Germany", "Spain", "Austria"].includes(country)) return "I am not sure.";
  return CAPITALS[country] ?? "?";
});

export default defineEvalConfig({
  name: "capitals",
  dataset: "capitals.jsonl",
  task: modelTask(model, { name: `capitals-${variant}`, system: "Answer with the city only." }),
  scorers: [referenceScorer("squad_em", { threshold: 1 }), referenceScorer("squad_f1")],
  seed: 1,
  config: { variant },
});
