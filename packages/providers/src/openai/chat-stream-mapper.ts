import { type FinishReason, NetworkError, OutputParseError, type StreamEvent, type Usage } from "@keel/core";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import { fromOpenAILogprobs } from "../shared/logprobs.js";
import { parseToolArguments, toolCallPart } from "../shared/parse-tool-arguments.js";
import { ToolCallAssembler } from "../shared/tool-call-assembler.js";
import { type ChatDialect, reasoningTextOf } from "./chat-dialect.js";
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
 * `include_usage` chunk) and `finish` are emitted at the end, after everything else. A dialect
 * adds reasoning fields, usage found elsewhere and a tolerated missing finish chunk.
 */
export class ChatStreamMapper {
  readonly #requestId: string | undefined;
  readonly #dialect: ChatDialect | undefined;
  readonly #provider: string;
  readonly #toolCalls = new ToolCallAssembler();
  #metadataSent = false;
  #requestIdSent = false;
  #finished = false;
  #rawFinishReason: string | undefined;
  #refusal = "";
  #usage: Usage | undefined;
  #lastChunk: ChatCompletionChunk | undefined;

  constructor(requestId: string | undefined, dialect?: ChatDialect) {
    this.#requestId = requestId;
    this.#dialect = dialect;
    this.#provider = dialect?.provider ?? PROVIDER;
  }

  /** True once usage arrived (in `usage` or where the dialect finds it). */
  get hasUsage(): boolean {
    return this.#usage !== undefined;
  }

  /** Events for one chunk (an array, not a generator: this runs for every chunk of every stream). */
  chunk(chunk: ChatCompletionChunk): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.#lastChunk = chunk;
    if ((chunk.object as string) === "text_completion")
      throw new OutputParseError(
        `${this.#provider} sent legacy text_completion chunks (the /completions API) to a chat request; check the base URL and model`,
        { provider: this.#provider, body: chunk },
      );
    if (!this.#metadataSent) {
      // Azure's first chunk (prompt content-filter results) has an empty id and model: take them
      // from the first chunk that has them, or cost and telemetry lose the served model.
      const requestId = this.#requestId ?? (chunk.id || undefined);
      if (chunk.model) {
        this.#metadataSent = true;
        events.push(metadataEvent(requestId, chunk.model));
      } else if (requestId !== undefined && !this.#requestIdSent) {
        this.#requestIdSent = true;
        events.push(metadataEvent(requestId, undefined));
      }
    }
    const usage = chunk.usage ?? this.#dialect?.usageOf?.(chunk as unknown as Record<string, unknown>);
    if (usage) this.#usage = chatUsage(usage);
    // No `?? []` / `?? {}` fallbacks below: they would allocate for nearly every chunk.
    const choices = chunk.choices;
    if (!choices) return events;
    for (const choice of choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta;
      if (delta) this.#delta(delta, events);
      const logprobs = choice.logprobs?.content;
      if (logprobs?.length) events.push({ type: "logprobs", tokens: fromOpenAILogprobs(logprobs) });
      if (choice.finish_reason) {
        this.#rawFinishReason = choice.finish_reason;
        events.push(...this.#toolCallEvents());
      }
    }
    return events;
  }

  /** Adds the events for choice 0's delta. */
  #delta(delta: ChatCompletionChunk.Choice.Delta, events: StreamEvent[]): void {
    const reasoning = reasoningTextOf(delta, this.#dialect?.reasoningFields);
    if (reasoning !== undefined) events.push({ type: "reasoning-delta", text: reasoning });
    if (delta.content) events.push({ type: "text-delta", text: delta.content });
    if (delta.refusal) this.#refusal += delta.refusal;
    const fragments = delta.tool_calls;
    if (fragments)
      for (const fragment of fragments) {
        const call = this.#toolCalls.add({
          index: fragment.index,
          id: fragment.id,
          name: fragment.function?.name,
          arguments: argumentsFragment(fragment.function?.arguments),
        });
        events.push({
          type: "tool-call-delta",
          index: call.ordinal,
          ...(fragment.id ? { id: fragment.id } : {}),
          ...(fragment.function?.name ? { name: fragment.function.name } : {}),
          argumentsDelta: argumentsFragment(fragment.function?.arguments) ?? "",
        });
      }
  }

  /** The closing events; throws when the stream ended before choice 0 finished (a truncated stream). */
  *end(): Generator<StreamEvent> {
    if (this.#rawFinishReason === undefined && !this.#canInferFinish())
      throw new NetworkError(
        this.#lastChunk
          ? `the ${this.#provider} stream ended before its finish_reason arrived (truncated)`
          : `the ${this.#provider} stream ended without sending any chunk`,
        { provider: this.#provider },
      );
    // A server that never sends the finish chunk: the tool calls are complete (checked above).
    if (this.#rawFinishReason === undefined) yield* this.#toolCallEvents();
    if (this.#usage) yield { type: "usage", usage: this.#usage };
    const refusal = this.#refusal || undefined;
    const hasToolCalls = this.#toolCalls.calls.length > 0;
    yield {
      type: "finish",
      finishReason:
        this.#rawFinishReason === undefined
          ? hasToolCalls
            ? "tool-calls"
            : "other"
          : chatFinishReason(this.#rawFinishReason, hasToolCalls, !!refusal),
      ...(this.#rawFinishReason !== undefined ? { rawFinishReason: this.#rawFinishReason } : {}),
      ...(refusal ? { refusal } : {}),
      raw: this.#lastChunk,
    };
  }

  *#toolCallEvents(): Generator<StreamEvent> {
    if (this.#finished) return;
    this.#finished = true;
    for (const call of this.#toolCalls.calls)
      yield {
        type: "tool-call",
        call: toolCallPart(call.id ?? `call_${call.ordinal}`, call.name ?? "", call.arguments),
      };
  }

  /**
   * Whether a stream without finish_reason may still end normally: only when the dialect allows
   * it, something arrived, and every tool call's arguments parse (so a cut mid-call is still an error).
   */
  #canInferFinish(): boolean {
    if (!this.#dialect?.inferMissingFinishReason || !this.#lastChunk) return false;
    return this.#toolCalls.calls.every(
      (call) => parseToolArguments(call.arguments).argumentsError === undefined,
    );
  }
}

/**
 * Tool-call arguments as JSON text. Some OpenAI-compatible servers (older TGI) send them as an
 * object instead of a string.
 */
function argumentsFragment(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The events a non-streamed chat.completion stands for (choice index 0). */
export function* chatCompletionEvents(
  completion: ChatCompletion,
  requestId: string | undefined,
  dialect?: ChatDialect,
): Generator<StreamEvent> {
  const provider = dialect?.provider ?? PROVIDER;
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices))
    throw new OutputParseError(
      `${provider} answered with something that is not a chat.completion: ${preview(completion)}`,
      // Usually a proxy's or gateway's page: another attempt or endpoint may get the real answer.
      { provider, body: completion, retryable: true },
    );
  const choice = completion.choices.find((c) => c.index === 0) ?? completion.choices[0];
  if (!choice)
    throw new OutputParseError(`${provider} answered with a chat.completion that has no choices`, {
      provider,
      body: completion,
    });
  if (typeof choice.message !== "object" || choice.message === null)
    throw new OutputParseError(
      `${provider} answered with a choice that has no message (a ${String(completion.object)} body, not a chat.completion); check the base URL and model`,
      { provider, body: completion },
    );
  yield metadataEvent(requestId ?? completion.id, completion.model);
  const message = choice.message;
  const reasoning = reasoningTextOf(message, dialect?.reasoningFields);
  if (reasoning !== undefined) yield { type: "reasoning-delta", text: reasoning };
  if (message.content) yield { type: "text-delta", text: message.content };
  const logprobs = choice.logprobs?.content;
  if (logprobs?.length) yield { type: "logprobs", tokens: fromOpenAILogprobs(logprobs) };
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
      yield {
        type: "tool-call",
        call: toolCallPart(call.id, call.function.name, argumentsFragment(call.function.arguments) ?? ""),
      };
  }
  const usage = completion.usage ?? dialect?.usageOf?.(completion as unknown as Record<string, unknown>);
  if (usage) yield { type: "usage", usage: chatUsage(usage) };
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
