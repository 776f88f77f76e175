import { type FinishReason, NetworkError, OutputParseError, type StreamEvent, type Usage } from "@keel/core";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import { toolCallPart } from "../shared/parse-tool-arguments.js";
import { ToolCallAssembler } from "../shared/tool-call-assembler.js";
import { PROVIDER } from "./errors.js";
import { chatUsage } from "./usage.js";

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
};

/**
 * The Keel finish reason for a Chat Completions `finish_reason`. A refusal counts as
 * content-filter (OpenAI reports it with `stop`); tool calls with `stop` (seen on some
 * OpenAI-compatible servers) count as tool-calls.
 */
export function chatFinishReason(
  raw: string | null | undefined,
  hasToolCalls: boolean,
  refused: boolean,
): FinishReason {
  if (refused) return "content-filter";
  const reason = raw ? (FINISH_REASONS[raw] ?? "other") : "other";
  return reason === "stop" && hasToolCalls ? "tool-calls" : reason;
}

/**
 * Turns Chat Completions stream chunks into Keel stream events. Only choice index 0 is mapped
 * (with `n > 1` the other choices are ignored). Tool-call fragments are assembled by index and
 * id and emitted as whole `tool-call` events when the choice finishes; usage (from the final
 * `include_usage` chunk) and `finish` are emitted at the end, after everything else.
 */
export class ChatStreamMapper {
  readonly #requestId: string | undefined;
  readonly #toolCalls = new ToolCallAssembler();
  #metadataSent = false;
  #rawFinishReason: string | undefined;
  #refusal = "";
  #usage: Usage | undefined;
  #lastChunk: ChatCompletionChunk | undefined;

  constructor(requestId: string | undefined) {
    this.#requestId = requestId;
  }

  /** Events for one chunk. */
  *chunk(chunk: ChatCompletionChunk): Generator<StreamEvent> {
    this.#lastChunk = chunk;
    if ((chunk.object as string) === "text_completion")
      throw new OutputParseError(
        "OpenAI sent legacy text_completion chunks (the /completions API) to a chat request; check the base URL and model",
        { provider: PROVIDER, body: chunk },
      );
    if (!this.#metadataSent) {
      this.#metadataSent = true;
      yield metadataEvent(this.#requestId ?? chunk.id, chunk.model);
    }
    if (chunk.usage) this.#usage = chatUsage(chunk.usage);
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (delta.content) yield { type: "text-delta", text: delta.content };
      if (delta.refusal) this.#refusal += delta.refusal;
      for (const fragment of delta.tool_calls ?? []) {
        const call = this.#toolCalls.add({
          index: fragment.index,
          id: fragment.id,
          name: fragment.function?.name,
          arguments: fragment.function?.arguments,
        });
        yield {
          type: "tool-call-delta",
          index: call.ordinal,
          ...(fragment.id ? { id: fragment.id } : {}),
          ...(fragment.function?.name ? { name: fragment.function.name } : {}),
          argumentsDelta: fragment.function?.arguments ?? "",
        };
      }
      if (choice.finish_reason) {
        this.#rawFinishReason = choice.finish_reason;
        for (const call of this.#toolCalls.calls)
          yield {
            type: "tool-call",
            call: toolCallPart(call.id ?? `call_${call.ordinal}`, call.name ?? "", call.arguments),
          };
      }
    }
  }

  /** The closing events; throws when the stream ended before choice 0 finished (a truncated stream). */
  *end(): Generator<StreamEvent> {
    if (this.#rawFinishReason === undefined)
      throw new NetworkError(
        this.#lastChunk
          ? "the OpenAI stream ended before its finish_reason arrived (truncated)"
          : "the OpenAI stream ended without sending any chunk",
        { provider: PROVIDER },
      );
    if (this.#usage) yield { type: "usage", usage: this.#usage };
    const refusal = this.#refusal || undefined;
    yield {
      type: "finish",
      finishReason: chatFinishReason(this.#rawFinishReason, this.#toolCalls.calls.length > 0, !!refusal),
      rawFinishReason: this.#rawFinishReason,
      ...(refusal ? { refusal } : {}),
      raw: this.#lastChunk,
    };
  }
}

/** The events a non-streamed chat.completion stands for (choice index 0). */
export function* chatCompletionEvents(
  completion: ChatCompletion,
  requestId: string | undefined,
): Generator<StreamEvent> {
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices))
    throw new OutputParseError(
      `OpenAI answered with something that is not a chat.completion: ${preview(completion)}`,
      {
        provider: PROVIDER,
        body: completion,
      },
    );
  const choice = completion.choices.find((c) => c.index === 0) ?? completion.choices[0];
  if (!choice)
    throw new OutputParseError("OpenAI answered with a chat.completion that has no choices", {
      provider: PROVIDER,
      body: completion,
    });
  yield metadataEvent(requestId ?? completion.id, completion.model);
  const message = choice.message;
  if (message.content) yield { type: "text-delta", text: message.content };
  let toolCallCount = 0;
  for (const call of message.tool_calls ?? []) {
    toolCallCount++;
    if (call.type === "custom")
      yield {
        type: "tool-call",
        call: {
          type: "tool-call",
          id: call.id,
          name: call.custom.name,
          arguments: call.custom.input,
          rawArguments: call.custom.input,
        },
      };
    else
      yield { type: "tool-call", call: toolCallPart(call.id, call.function.name, call.function.arguments) };
  }
  if (completion.usage) yield { type: "usage", usage: chatUsage(completion.usage) };
  const refusal = message.refusal || undefined;
  yield {
    type: "finish",
    finishReason: chatFinishReason(choice.finish_reason, toolCallCount > 0, !!refusal),
    rawFinishReason: choice.finish_reason,
    ...(refusal ? { refusal } : {}),
    raw: completion,
  };
}

/** The request-id and served-model event, with only the fields that are known. */
export function metadataEvent(requestId: string | undefined, servedModel: string | undefined): StreamEvent {
  return {
    type: "response-metadata",
    ...(requestId ? { requestId } : {}),
    ...(servedModel ? { servedModel } : {}),
  };
}

/** The first characters of an unexpected body, for error messages. */
export function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
