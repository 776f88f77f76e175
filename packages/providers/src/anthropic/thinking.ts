import type { ModelRequest } from "@keel/core";
import type { AnthropicModelTraits } from "./model-traits.js";

type Effort = NonNullable<NonNullable<ModelRequest["reasoning"]>["effort"]>;

/** Thinking budgets (tokens) used for `reasoning.effort` on models that take only a budget. */
export const EFFORT_BUDGET_TOKENS: Readonly<Record<Effort, number>> = {
  minimal: 1024, // the API's minimum
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** Anthropic's `output_config.effort` for `reasoning.effort` on models with adaptive thinking. */
export const EFFORT_LEVEL: Readonly<Record<Effort, "low" | "medium" | "high">> = {
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
};

/** The thinking part of a request: the `thinking` field, an `effort`, and tokens to add to `max_tokens`. */
export interface ThinkingPlan {
  thinking: { type: "enabled"; budget_tokens: number } | { type: "adaptive" };
  effort?: "low" | "medium" | "high";
  /** Thinking counts toward `max_tokens`, so a budget is added on top of the answer's tokens. */
  extraMaxTokens: number;
}

/**
 * Plans thinking for a request. An explicit `budgetTokens` is sent as
 * `{type: "enabled", budget_tokens}` as asked. An `effort` alone becomes adaptive thinking with
 * `output_config.effort` on Claude 4.6 and later, and a budget from `EFFORT_BUDGET_TOKENS` before.
 */
export function planThinking(
  reasoning: ModelRequest["reasoning"],
  traits: AnthropicModelTraits,
): ThinkingPlan | undefined {
  if (reasoning?.budgetTokens !== undefined) {
    return {
      thinking: { type: "enabled", budget_tokens: reasoning.budgetTokens },
      extraMaxTokens: reasoning.budgetTokens,
    };
  }
  if (reasoning?.effort === undefined) return undefined;
  if (traits.adaptiveThinking)
    return { thinking: { type: "adaptive" }, effort: EFFORT_LEVEL[reasoning.effort], extraMaxTokens: 0 };
  const budget = EFFORT_BUDGET_TOKENS[reasoning.effort];
  return { thinking: { type: "enabled", budget_tokens: budget }, extraMaxTokens: budget };
}
