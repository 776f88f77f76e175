import type { ModelRequest, ResponseFormat, ToolChoice, ToolDefinition } from "@keel/core";
import type {
  FunctionTool,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseFormatTextConfig,
  ToolChoiceFunction,
  ToolChoiceOptions,
} from "openai/resources/responses/responses";
import { compact } from "../shared/compact.js";
import { logprobsTop } from "../shared/logprobs.js";
import type { SystemMessageRole } from "./chat-messages.js";
import { PROVIDER } from "./errors.js";
import { openaiOptions, reasoningEffortOf, rejectUnsupported } from "./request-common.js";
import { toResponsesInput } from "./responses-input.js";

export interface ResponsesBodyOptions {
  stream: boolean;
  /** Store the response on OpenAI's side (default false: Keel carries state in the messages). */
  store?: boolean;
  /** Ask for encrypted reasoning so it can be sent back next turn (reasoning models, unstored requests). */
  encryptedReasoning: boolean;
  systemMessageRole?: SystemMessageRole;
}

/**
 * Builds the Responses API request body. Requests are not stored by default, so for reasoning
 * models the body asks for `reasoning.encrypted_content`, which later turns send back. The
 * Responses API has no stop sequences, seed or penalties: those fields get a clear error.
 */
export function toResponsesBody(
  modelId: string,
  request: ModelRequest,
  options: ResponsesBodyOptions,
): ResponseCreateParamsStreaming | ResponseCreateParamsNonStreaming {
  rejectUnsupported(
    request,
    ["topK", "stop", "seed", "frequencyPenalty", "presencePenalty"],
    "The OpenAI Responses API",
  );
  const store = options.store ?? false;
  const effort = reasoningEffortOf(request);
  const top = logprobsTop(request, PROVIDER);
  const include = [
    ...(!store && options.encryptedReasoning ? ["reasoning.encrypted_content" as const] : []),
    ...(top !== undefined ? ["message.output_text.logprobs" as const] : []),
  ];
  const body = {
    ...compact({
      model: modelId,
      input: toResponsesInput(request.messages, options.systemMessageRole),
      tools: request.tools?.length ? request.tools.map(toResponsesTool) : undefined,
      tool_choice: request.toolChoice !== undefined ? toResponsesToolChoice(request.toolChoice) : undefined,
      text: request.responseFormat ? { format: toResponsesTextFormat(request.responseFormat) } : undefined,
      temperature: request.temperature,
      top_p: request.topP,
      max_output_tokens: request.maxOutputTokens,
      reasoning: effort !== undefined ? { effort } : undefined,
      store,
      include: include.length > 0 ? include : undefined,
      top_logprobs: top || undefined,
      stream: options.stream ? true : undefined,
    }),
    ...openaiOptions(request),
  };
  return body as ResponseCreateParamsStreaming | ResponseCreateParamsNonStreaming;
}

/**
 * A Keel tool as a Responses API function tool. The Responses API treats a missing `strict` as
 * true; Keel sends `strict: false` unless the tool asks, matching Chat Completions.
 */
export function toResponsesTool(tool: ToolDefinition): FunctionTool {
  return {
    type: "function",
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: tool.inputSchema,
    strict: tool.strict ?? false,
  };
}

/** A Keel tool choice in Responses API form. */
export function toResponsesToolChoice(choice: ToolChoice): ToolChoiceOptions | ToolChoiceFunction {
  return typeof choice === "string" ? choice : { type: "function", name: choice.name };
}

/** A Keel response format as the Responses API `text.format`. */
export function toResponsesTextFormat(format: ResponseFormat): ResponseFormatTextConfig {
  if (format.type === "text") return { type: "text" };
  if (!format.schema) return { type: "json_object" };
  return compact({
    type: "json_schema" as const,
    name: format.name ?? "response",
    description: format.description,
    schema: format.schema,
    strict: format.strict,
  });
}
