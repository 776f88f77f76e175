import type { CacheControlEphemeral, Tool, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import { InvalidRequestError, type ModelRequest } from "@keel/core";
import type { AnthropicModelTraits } from "./model-traits.js";
import { toAnthropicPrompt } from "./prompt.js";
import type { AnthropicDroppableOption, AnthropicSettings } from "./settings.js";
import { planStructuredOutput } from "./structured-output.js";
import { planThinking } from "./thinking.js";
import { toAnthropicTool, toAnthropicToolChoice, withToolCache } from "./tools.js";

/** The first API version that rejects `temperature`, `top_p` and `top_k`. */
export const SAMPLING_REJECTED_FROM_VERSION = "2026-10-21";

/** A Messages API request body, and how to read the answer back. */
export interface AnthropicRequestPlan {
  body: Record<string, unknown>;
  /** Set when JSON output goes through a forced tool: that tool's input is the answer text. */
  jsonToolName?: string;
}

/** What the request builder needs besides the request. */
export interface AnthropicRequestContext {
  modelId: string;
  traits: AnthropicModelTraits;
  settings: Pick<
    AnthropicSettings,
    "apiVersion" | "defaultMaxTokens" | "structuredOutput" | "dropUnsupported"
  >;
}

const SAMPLING: ReadonlyArray<[AnthropicDroppableOption & keyof ModelRequest, string]> = [
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["topK", "top_k"],
];
const NEVER_SUPPORTED: ReadonlyArray<AnthropicDroppableOption & keyof ModelRequest> = [
  "seed",
  "frequencyPenalty",
  "presencePenalty",
  "logprobs",
];

/**
 * Builds the Messages API body for a Keel request: prompt, tools, tool choice, thinking, JSON
 * output, stop sequences, sampling and `max_tokens`, with `providerOptions.anthropic` spread last.
 * Options Anthropic cannot take fail with an `InvalidRequestError` unless listed in
 * `settings.dropUnsupported`. No key is ever sent with an undefined value.
 */
export function toAnthropicRequest(
  request: ModelRequest,
  context: AnthropicRequestContext,
  stream: boolean,
): AnthropicRequestPlan {
  const { modelId, traits, settings } = context;
  const drop = new Set(settings.dropUnsupported ?? []);
  const { cacheTools, cacheTtl, passthrough } = splitProviderOptions(request.providerOptions?.anthropic);
  const cache: CacheControlEphemeral = { type: "ephemeral", ...(cacheTtl ? { ttl: cacheTtl } : {}) };

  for (const option of NEVER_SUPPORTED) {
    if (request[option] !== undefined && !drop.has(option))
      throw unsupported(`\`${option}\`: the Messages API has no such parameter`, option);
  }
  const sampling: Record<string, number> = {};
  const samplingAccepted =
    settings.apiVersion !== undefined && settings.apiVersion < SAMPLING_REJECTED_FROM_VERSION;
  for (const [option, wire] of SAMPLING) {
    const value = request[option] as number | undefined;
    if (value === undefined) continue;
    if (samplingAccepted) sampling[wire] = value;
    else if (!drop.has(option))
      throw unsupported(
        `\`${option}\`: API version ${settings.apiVersion ?? SAMPLING_REJECTED_FROM_VERSION} rejects it; set apiVersion "2023-06-01" to send it`,
        option,
      );
  }

  const wantsReasoning =
    request.reasoning?.budgetTokens !== undefined || request.reasoning?.effort !== undefined;
  if (wantsReasoning && !traits.thinking && !drop.has("reasoning"))
    throw unsupported(`\`reasoning\`: ${modelId} has no extended thinking`, "reasoning");
  const thinking = traits.thinking ? planThinking(request.reasoning, traits) : undefined;

  const structured = planStructuredOutput(
    request.responseFormat,
    settings.structuredOutput ?? (traits.nativeStructuredOutput ? "native" : "tool"),
  );
  let tools: Tool[] = request.tools?.map(toAnthropicTool) ?? [];
  let toolChoice: ToolChoice | undefined =
    request.toolChoice === undefined ? undefined : toAnthropicToolChoice(request.toolChoice);
  let jsonToolName: string | undefined;
  if (structured && "tool" in structured) {
    if (tools.length > 0 || toolChoice !== undefined)
      throw invalid(
        'JSON output through a forced tool cannot be combined with tools; use structuredOutput "native"',
      );
    if (thinking)
      throw invalid('Anthropic does not allow forced tool use with thinking; use structuredOutput "native"');
    tools = [structured.tool];
    toolChoice = { type: "tool", name: structured.tool.name };
    jsonToolName = structured.tool.name;
  }
  if (cacheTools !== undefined) tools = cachedTools(tools, cacheTools, cache);

  const outputConfig = {
    ...(structured && "format" in structured ? { format: structured.format } : {}),
    ...(thinking?.effort !== undefined ? { effort: thinking.effort } : {}),
  };
  const answerTokens = request.maxOutputTokens ?? settings.defaultMaxTokens ?? traits.defaultMaxTokens;

  const body: Record<string, unknown> = {
    model: modelId,
    max_tokens: answerTokens + (thinking?.extraMaxTokens ?? 0),
    ...toAnthropicPrompt(request.messages, cache),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(thinking ? { thinking: thinking.thinking } : {}),
    ...(Object.keys(outputConfig).length > 0 ? { output_config: outputConfig } : {}),
    ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    ...sampling,
    ...(stream ? { stream: true } : {}),
    ...passthrough,
  };
  return { body, ...(jsonToolName !== undefined ? { jsonToolName } : {}) };
}

/** Splits Keel's own keys (`cacheTools`, `cacheTtl`) from the options that go on the wire unchanged. */
function splitProviderOptions(options: Record<string, unknown> | undefined): {
  cacheTools?: true | string[];
  cacheTtl?: "5m" | "1h";
  passthrough: Record<string, unknown>;
} {
  const { cacheTools, cacheTtl, ...rest } = options ?? {};
  const passthrough = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (
    cacheTools !== undefined &&
    cacheTools !== true &&
    !(Array.isArray(cacheTools) && cacheTools.every((n) => typeof n === "string"))
  )
    throw invalid("providerOptions.anthropic.cacheTools must be true or a list of tool names");
  if (cacheTtl !== undefined && cacheTtl !== "5m" && cacheTtl !== "1h")
    throw invalid('providerOptions.anthropic.cacheTtl must be "5m" or "1h"');
  return {
    ...(cacheTools !== undefined ? { cacheTools: cacheTools as true | string[] } : {}),
    ...(cacheTtl !== undefined ? { cacheTtl: cacheTtl as "5m" | "1h" } : {}),
    passthrough,
  };
}

function cachedTools(tools: Tool[], which: true | string[], cache: CacheControlEphemeral): Tool[] {
  if (tools.length === 0)
    throw invalid("providerOptions.anthropic.cacheTools was given but there are no tools");
  const missing = which === true ? [] : which.filter((name) => !tools.some((t) => t.name === name));
  if (missing.length > 0)
    throw invalid(`providerOptions.anthropic.cacheTools names unknown tools: ${missing.join(", ")}`);
  return withToolCache(tools, which, cache);
}

function unsupported(what: string, option: AnthropicDroppableOption): InvalidRequestError {
  return invalid(
    `Anthropic cannot take ${what} (or list "${option}" in settings.dropUnsupported to leave it out)`,
  );
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(message, { provider: "anthropic" });
}
