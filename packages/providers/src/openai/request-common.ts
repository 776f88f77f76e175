import { InvalidRequestError, type ModelRequest, type ToolResultPart } from "@keel/core";
import { compact } from "../shared/compact.js";
import { PROVIDER } from "./errors.js";

type Effort = NonNullable<NonNullable<ModelRequest["reasoning"]>["effort"]>;

/**
 * The reasoning effort to ask for. OpenAI takes an effort, not a token budget, so a request that
 * only gives `budgetTokens` (as written for Anthropic or Gemini) gets the nearest effort:
 * under 2,048 tokens low, under 16,384 medium, otherwise high.
 */
export function reasoningEffortOf(request: ModelRequest): Effort | undefined {
  const reasoning = request.reasoning;
  if (!reasoning) return undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return undefined;
  return budget < 2048 ? "low" : budget < 16_384 ? "medium" : "high";
}

/** Throws a clear error for request fields this OpenAI API has no parameter for, instead of dropping them. */
export function rejectUnsupported(
  request: ModelRequest,
  fields: Array<keyof ModelRequest>,
  api: string,
  provider: string = PROVIDER,
): void {
  const given = fields.filter((field) => request[field] !== undefined);
  if (given.length > 0)
    throw new InvalidRequestError(
      `${api} has no parameter for ${given.join(", ")}; remove ${given.length > 1 ? "them" : "it"} from the request` +
        " (or pass a provider-specific field through providerOptions.openai)",
      { provider },
    );
}

/**
 * The text sent back for a tool result. OpenAI has no error flag on tool results, so an error
 * result is marked in the text the model reads, once: core's tool loop already writes its error
 * results as `Error: ...`.
 */
export function toolResultText(part: ToolResultPart): string {
  const text = typeof part.result === "string" ? part.result : JSON.stringify(part.result ?? null);
  return part.isError && !text.startsWith("Error:") ? `Error: ${text}` : text;
}

/** The arguments of a tool call as the JSON text OpenAI expects back, unchanged when the model's text is known. */
export function argumentsText(call: { arguments: unknown; rawArguments?: string }): string {
  return call.rawArguments ?? JSON.stringify(call.arguments ?? {});
}

/** `providerOptions.openai` (without undefined values), spread last into every request body. */
export function openaiOptions(request: ModelRequest): Record<string, unknown> {
  return compact(request.providerOptions?.openai ?? {});
}
