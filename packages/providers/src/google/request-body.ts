import type { ModelRequest } from "@keel/core";
import { logprobsTop } from "../shared/logprobs.js";
import { toGeminiContents } from "./to-gemini-contents.js";
import { toGeminiSchema } from "./to-gemini-schema.js";
import { toGeminiTools } from "./to-gemini-tools.js";
import type { GeminiGenerationConfig, GeminiRequest, GeminiThinkingConfig } from "./wire-types.js";

/**
 * Thinking budgets for `reasoning.effort`. Every value lies inside the range all Gemini 2.5/3
 * thinking models accept (Flash-Lite's floor is 512, Flash's ceiling 24576).
 */
export const THINKING_BUDGETS = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

/** Keys of `providerOptions.google` merged one level deep, so they add to what Keel mapped. */
const MERGED_KEYS = ["generationConfig", "toolConfig"] as const;

/**
 * Builds the Gemini `generateContent` body for a Keel request. Every option maps to its
 * documented field; absent options leave no key behind. `providerOptions.google` is applied
 * last: its keys replace Keel's, except `generationConfig` and `toolConfig`, whose fields are
 * merged over the mapped ones (so `{ generationConfig: { candidateCount: 2 } }` keeps the rest).
 */
export function toGeminiRequest(request: ModelRequest): GeminiRequest {
  const { systemInstruction, contents } = toGeminiContents(request.messages);
  const generationConfig = toGenerationConfig(request);
  const body: GeminiRequest = {
    contents,
    ...(systemInstruction ? { systemInstruction } : {}),
    ...toGeminiTools(request.tools, request.toolChoice),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
  const extra = request.providerOptions?.google;
  if (!extra) return body;
  const merged: GeminiRequest = { ...body, ...extra };
  for (const key of MERGED_KEYS) {
    const ours = body[key];
    const theirs = extra[key];
    if (isPlainObject(ours) && isPlainObject(theirs))
      (merged as Record<string, unknown>)[key] = { ...ours, ...theirs };
  }
  return merged;
}

function toGenerationConfig(request: ModelRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  const top = logprobsTop(request, "google");
  if (top !== undefined) {
    config.responseLogprobs = true;
    if (top > 0) config.logprobs = top;
  }
  const format = request.responseFormat;
  if (format?.type === "json") {
    config.responseMimeType = "application/json";
    if (format.schema !== undefined) {
      const schema = toGeminiSchema(format.schema);
      // Gemini has no field for the format's name; its description guides the model as the schema's.
      if (format.description !== undefined && schema.description === undefined) {
        schema.description = format.description;
      }
      config.responseSchema = schema;
    }
  }
  const thinking = toThinkingConfig(request.reasoning);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/** `budgetTokens` wins over `effort`; thought summaries are always asked for so they stream as reasoning. */
function toThinkingConfig(reasoning: ModelRequest["reasoning"]): GeminiThinkingConfig | undefined {
  if (!reasoning) return undefined;
  const budget =
    reasoning.budgetTokens ??
    (reasoning.effort !== undefined ? THINKING_BUDGETS[reasoning.effort] : undefined);
  return { ...(budget !== undefined ? { thinkingBudget: budget } : {}), includeThoughts: true };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
