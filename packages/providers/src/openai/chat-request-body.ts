import type { ModelRequest, ResponseFormat, ToolChoice, ToolDefinition } from "@keel/core";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type {
  ResponseFormatJSONObject,
  ResponseFormatJSONSchema,
  ResponseFormatText,
} from "openai/resources/shared";
import { compact } from "../shared/compact.js";
import { logprobsTop } from "../shared/logprobs.js";
import type { ChatDialect } from "./chat-dialect.js";
import { type SystemMessageRole, toChatMessages } from "./chat-messages.js";
import { PROVIDER } from "./errors.js";
import { openaiOptions, reasoningEffortOf, rejectUnsupported } from "./request-common.js";

export interface ChatBodyOptions {
  stream: boolean;
  systemMessageRole?: SystemMessageRole;
  /** A server that differs from OpenAI (see `ChatDialect`); its `adaptBody` has the last word. */
  dialect?: ChatDialect;
}

/**
 * Builds the Chat Completions request body for a Keel request. Only options that were set
 * appear; `providerOptions.openai` is spread last so callers can add or override any field.
 */
export function toChatBody(
  modelId: string,
  request: ModelRequest,
  options: ChatBodyOptions & { stream: true },
): ChatCompletionCreateParamsStreaming;
export function toChatBody(
  modelId: string,
  request: ModelRequest,
  options: ChatBodyOptions & { stream: false },
): ChatCompletionCreateParamsNonStreaming;
export function toChatBody(
  modelId: string,
  request: ModelRequest,
  options: ChatBodyOptions,
): ChatCompletionCreateParamsStreaming | ChatCompletionCreateParamsNonStreaming {
  const dialect = options.dialect;
  if (!dialect?.topK) rejectUnsupported(request, ["topK"], apiName(dialect), dialect?.provider);
  const top = logprobsTop(request, dialect?.provider ?? PROVIDER);
  let body: Record<string, unknown> = {
    ...compact({
      model: modelId,
      messages: toChatMessages(request.messages, options.systemMessageRole),
      tools: request.tools?.length ? request.tools.map(toChatTool) : undefined,
      tool_choice: request.toolChoice !== undefined ? toChatToolChoice(request.toolChoice) : undefined,
      response_format: request.responseFormat ? toChatResponseFormat(request.responseFormat) : undefined,
      temperature: request.temperature,
      top_p: request.topP,
      top_k: dialect?.topK ? request.topK : undefined,
      frequency_penalty: request.frequencyPenalty,
      presence_penalty: request.presencePenalty,
      seed: request.seed,
      stop: request.stop,
      max_completion_tokens: request.maxOutputTokens,
      reasoning_effort: reasoningEffortOf(request),
      logprobs: top !== undefined ? true : undefined,
      top_logprobs: top || undefined,
      stream: options.stream ? true : undefined,
      stream_options: options.stream ? { include_usage: true } : undefined,
    }),
    ...openaiOptions(request),
  };
  if (dialect?.adaptBody) body = dialect.adaptBody(body, { request, stream: options.stream });
  return body as unknown as ChatCompletionCreateParamsStreaming | ChatCompletionCreateParamsNonStreaming;
}

function apiName(dialect: ChatDialect | undefined): string {
  return dialect?.provider ? `${dialect.provider} (Chat Completions)` : "OpenAI Chat Completions";
}

/** A Keel tool as a Chat Completions function tool; `strict` is sent only when the tool sets it. */
export function toChatTool(tool: ToolDefinition): ChatCompletionTool {
  return {
    type: "function",
    function: compact({
      name: tool.name,
      description: tool.description,
      parameters: tool.inputSchema,
      strict: tool.strict,
    }),
  };
}

/** A Keel tool choice in Chat Completions form. */
export function toChatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

/** A Keel response format in Chat Completions form: JSON with a schema uses native structured output. */
export function toChatResponseFormat(
  format: ResponseFormat,
): ResponseFormatText | ResponseFormatJSONObject | ResponseFormatJSONSchema {
  if (format.type === "text") return { type: "text" };
  if (!format.schema) return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: compact({
      name: format.name ?? "response",
      description: format.description,
      schema: format.schema,
      strict: format.strict,
    }),
  };
}
