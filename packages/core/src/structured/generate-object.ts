import type { z } from "zod";
import { ContentFilteredError, OutputParseError } from "../errors.js";
import type { CallOptions, Model, ModelResponse, Usage } from "../model.js";
import { addUsage } from "./add-usage.js";
import { type ObjectIssue, parseObjectText } from "./object-parse.js";
import { buildObjectRequest, type ObjectRequestOptions, repairLimit, repairTurns } from "./object-request.js";

/** Options of `generateObject`: what to ask, the schema, and how many repairs to allow. */
export interface GenerateObjectOptions<S extends z.ZodType> extends ObjectRequestOptions<S> {
  /** Extra calls allowed after an invalid answer, each shown the validation error. Default 2. */
  maxRepairs?: number;
}

/** A validated value and how it was obtained. */
export interface GenerateObjectResult<T> {
  object: T;
  /** The response that produced the accepted answer. */
  response: ModelResponse;
  /** Model calls made: 1 plus the repairs used. */
  attempts: number;
  /** Usage summed over all attempts. */
  usage: Usage;
  mode: "native" | "instructions";
}

/** What an `OutputParseError` from structured output carries in its `body`. */
export interface ObjectParseFailure {
  /** The model's last answer. */
  text: string;
  issues: ObjectIssue[];
  attempts: number;
}

/**
 * Asks a model for a value of a zod schema and returns it validated. Uses the provider's
 * JSON-schema mode where available, else instructions plus extraction; an invalid answer is
 * sent back with the validation error up to `maxRepairs` times. Throws `OutputParseError`
 * (body: `ObjectParseFailure`) when no answer validates.
 */
export async function generateObject<S extends z.ZodType>(
  model: Model,
  options: GenerateObjectOptions<S>,
  callOptions?: CallOptions,
): Promise<GenerateObjectResult<z.output<S>>> {
  const maxRepairs = repairLimit(options.maxRepairs);
  const { request, mode } = buildObjectRequest(model, options);
  let messages = request.messages;
  let usage: Usage | undefined;
  for (let attempt = 1; ; attempt++) {
    const response = await model.generate({ ...request, messages }, callOptions);
    usage = usage ? addUsage(usage, response.usage) : response.usage;
    throwIfRefused(model, response);
    const parsed = await parseObjectText(response.text, options.schema);
    if (parsed.ok) return { object: parsed.value, response, attempts: attempt, usage, mode };
    if (attempt > maxRepairs) throw objectParseError(model, response.text, parsed.issues, attempt);
    messages = [...messages, ...repairTurns(response.text, parsed.feedback)];
  }
}

/** Refusals and safety stops are not repairable; they end structured output at once. */
export function throwIfRefused(model: Model, response: ModelResponse): void {
  if (response.refusal !== undefined)
    throw new ContentFilteredError(`the model refused: ${response.refusal}`, { provider: model.provider });
  if (response.finishReason === "content-filter")
    throw new ContentFilteredError("the answer was blocked by the provider's content filter", {
      provider: model.provider,
    });
}

/** The error thrown when no answer validated, carrying the last text and its issues. */
export function objectParseError(
  model: Model,
  text: string,
  issues: ObjectIssue[],
  attempts: number,
): OutputParseError {
  const summary = issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  const body: ObjectParseFailure = { text, issues, attempts };
  return new OutputParseError(`no valid object after ${attempts} attempt(s): ${summary}`, {
    provider: model.provider,
    body,
  });
}
