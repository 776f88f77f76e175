import {
  ContextLengthExceededError,
  InvalidRequestError,
  type ModelRequest,
  type ToolDefinition,
} from "@keel/core";
import type {
  ChatHistoryItem,
  ChatModelFunctions,
  ChatWrapper,
  GbnfJsonSchema,
  LLamaChatGenerateResponseOptions,
  LlamaModel,
} from "node-llama-cpp";
import { countPromptTokens } from "./chat-wrapper.js";
import type { GrammarCache } from "./grammar-cache.js";
import { toChatHistory } from "./to-chat-history.js";
import { toGbnfSchema } from "./to-gbnf-schema.js";

/** The `LlamaChat.generateResponse` options a request maps to, before callbacks and the signal. */
export type ChatGenerationOptions = LLamaChatGenerateResponseOptions<ChatModelFunctions>;

/** What a loaded model needs to plan a call. */
export interface PlanningContext {
  readonly model: LlamaModel;
  readonly wrapper: ChatWrapper;
  /** Tokens one context sequence holds. */
  readonly contextSize: number;
  readonly grammars: GrammarCache;
}

/** A request turned into node-llama-cpp terms, with the prompt already measured. */
export interface GenerationPlan {
  history: ChatHistoryItem[];
  /** Tokens of the prompt as the chat template lays it out: `usage.inputTokens`. */
  promptTokens: number;
  options: ChatGenerationOptions;
}

/**
 * Validates a request and maps it onto node-llama-cpp: history, sampling, stop strings, a JSON
 * grammar for `responseFormat: json`, functions for tools. The output budget is capped to what is
 * left of the context after the prompt, so llama.cpp never shifts (silently drops) the context;
 * a prompt that does not fit fails with `ContextLengthExceededError`.
 */
export async function planGeneration(
  request: ModelRequest,
  context: PlanningContext,
): Promise<GenerationPlan> {
  checkRequest(request);
  const history = toChatHistory(request.messages);
  const functions = toFunctions(request);
  const promptTokens = countPromptTokens(context.model, context.wrapper, history, {
    availableFunctions: functions,
    documentFunctionParams: true,
  });
  const room = context.contextSize - promptTokens;
  if (room < 1) {
    throw new ContextLengthExceededError(
      `llama-cpp: the prompt takes ${promptTokens} tokens but a context sequence holds ${context.contextSize}`,
      { provider: "llama-cpp" },
    );
  }
  const format = request.responseFormat;
  const grammar = format?.type === "json" ? await context.grammars.get(format.schema) : undefined;
  const penalties = {
    ...(request.frequencyPenalty !== undefined ? { frequencyPenalty: request.frequencyPenalty } : {}),
    ...(request.presencePenalty !== undefined ? { presencePenalty: request.presencePenalty } : {}),
  };
  const options: Record<string, unknown> = {
    ...defined("temperature", request.temperature),
    ...defined("topP", request.topP),
    ...defined("topK", request.topK),
    ...defined("seed", request.seed),
    ...(request.stop?.length ? { customStopTriggers: request.stop } : {}),
    ...(Object.keys(penalties).length > 0 ? { repeatPenalty: penalties } : {}),
    ...(request.reasoning?.budgetTokens !== undefined
      ? { budgets: { thoughtTokens: request.reasoning.budgetTokens } }
      : {}),
    ...request.providerOptions?.["llama-cpp"],
    ...(grammar ? { grammar } : {}),
    ...(functions ? { functions, documentFunctionParams: true } : {}),
    maxTokens: Math.min(request.maxOutputTokens ?? room, room),
  };
  // The options type makes `grammar` and `functions` exclusive; checkRequest enforced that.
  return { history, promptTokens, options: options as ChatGenerationOptions };
}

function checkRequest(request: ModelRequest): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    invalid("a request needs at least one message");
  }
  const max = request.maxOutputTokens;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    invalid(`maxOutputTokens must be a positive integer, got ${String(max)}`);
  }
  if (request.stop?.some((s) => typeof s !== "string" || s === "")) {
    invalid("stop sequences must be non-empty strings");
  }
  if (request.logprobs !== undefined) {
    invalid(
      "logprobs are not available from the llama-cpp adapter (node-llama-cpp's chat API does not report them)",
    );
  }
  if (request.reasoning?.effort !== undefined) {
    invalid(
      "reasoning.effort has no llama.cpp equivalent; set reasoning.budgetTokens instead (0 turns thinking off on models that think)",
    );
  }
  const choice = request.toolChoice;
  const usesTools = Boolean(request.tools?.length) && choice !== "none";
  if (usesTools && (choice === "required" || typeof choice === "object")) {
    invalid(
      `toolChoice ${JSON.stringify(choice)} cannot be enforced by llama.cpp chat templates; use "auto", or responseFormat with a JSON schema to force a shape`,
    );
  }
  if (usesTools && request.responseFormat?.type === "json") {
    invalid(
      "tools and a JSON responseFormat cannot be combined (node-llama-cpp cannot use a grammar and functions together)",
    );
  }
}

function toFunctions(request: ModelRequest): ChatModelFunctions | undefined {
  if (!request.tools?.length || request.toolChoice === "none") return undefined;
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of request.tools) {
    if (functions[tool.name]) invalid(`two tools are named "${tool.name}"`);
    functions[tool.name] = toFunction(tool);
  }
  return functions;
}

function toFunction(tool: ToolDefinition): ChatModelFunctions[string] {
  return {
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    params: toGbnfSchema(tool.inputSchema) as GbnfJsonSchema,
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function invalid(message: string): never {
  throw new InvalidRequestError(`llama-cpp: ${message}`, { provider: "llama-cpp" });
}
