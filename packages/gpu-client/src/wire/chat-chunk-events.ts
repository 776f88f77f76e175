import { type FinishReason, NetworkError, type StreamEvent, type ToolCallPart, type Usage } from "@keel/core";

const FINISH: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  content_filter: "content-filter",
  eos_token: "stop",
};

interface PendingCall {
  id?: string;
  name: string;
  arguments: string;
}

/**
 * Turns OpenAI Chat Completions chunks (as vLLM, SGLang, TGI, llama.cpp and Ollama stream them)
 * into Keel events: text and reasoning deltas (`reasoning_content`, `reasoning`), tool calls
 * assembled by index and emitted whole at the finish, usage from the `include_usage` chunk, then
 * `finish`. Only choice 0 is read. A stream that ends before its finish reason is a truncation
 * (`NetworkError`, so the fleet may retry elsewhere when nothing was delivered yet).
 *
 * A small, focused version of the mapper `@keel/providers` keeps for OpenAI; it belongs in core's
 * provider kit, shared by both.
 */
export class ChatChunkEvents {
  readonly #endpoint: string;
  #calls: PendingCall[] = [];
  #finish: string | undefined;
  #usage: Usage | undefined;
  #metadataSent = false;
  #last: unknown;

  constructor(endpoint: string) {
    this.#endpoint = endpoint;
  }

  /** The events of one chunk. */
  map(chunk: Record<string, any>): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.#last = chunk;
    if (!this.#metadataSent) {
      this.#metadataSent = true;
      events.push({
        type: "response-metadata",
        ...(chunk.id ? { requestId: String(chunk.id) } : {}),
        ...(chunk.model ? { servedModel: String(chunk.model) } : {}),
      });
    }
    if (chunk.usage) this.#usage = usageOf(chunk.usage);
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0 && choice.index !== undefined) continue;
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === "string" && reasoning)
        events.push({ type: "reasoning-delta", text: reasoning });
      if (typeof delta.content === "string" && delta.content)
        events.push({ type: "text-delta", text: delta.content });
      for (const fragment of delta.tool_calls ?? []) {
        const index = typeof fragment.index === "number" ? fragment.index : this.#calls.length;
        const call = this.#calls[index] ?? { name: "", arguments: "" };
        this.#calls[index] = call;
        if (fragment.id) call.id = String(fragment.id);
        if (fragment.function?.name) call.name += String(fragment.function.name);
        const args = fragment.function?.arguments;
        const text = args == null ? "" : typeof args === "string" ? args : JSON.stringify(args);
        call.arguments += text;
        events.push({
          type: "tool-call-delta",
          index,
          ...(fragment.id ? { id: String(fragment.id) } : {}),
          ...(fragment.function?.name ? { name: String(fragment.function.name) } : {}),
          argumentsDelta: text,
        });
      }
      if (choice.finish_reason) this.#finish = String(choice.finish_reason);
    }
    return events;
  }

  /**
   * The closing events: tool calls, usage, finish. A stream that ends with no finish reason is a
   * truncation, except after complete tool calls: TGI (3.1) ends a streamed tool call without a
   * finish chunk, and every call's arguments parsing as JSON says it was not cut.
   */
  end(): StreamEvent[] {
    const calls = this.#calls.filter(Boolean);
    if (this.#finish === undefined && calls.length > 0 && calls.every((c) => parses(c.arguments)))
      this.#finish = "tool_calls";
    if (this.#finish === undefined)
      throw new NetworkError(
        `the ${this.#endpoint} stream ended before its finish_reason arrived (truncated)`,
        {
          provider: this.#endpoint,
        },
      );
    const events: StreamEvent[] = [];
    this.#calls.forEach((call, index) => {
      if (call) events.push({ type: "tool-call", call: toolCall(call, index) });
    });
    if (this.#usage) events.push({ type: "usage", usage: this.#usage });
    const hasCalls = this.#calls.some(Boolean);
    const reason = FINISH[this.#finish] ?? "other";
    events.push({
      type: "finish",
      finishReason: reason === "stop" && hasCalls ? "tool-calls" : reason,
      rawFinishReason: this.#finish,
      raw: this.#last,
    });
    return events;
  }
}

/** OpenAI-style usage as Keel usage (cached prompt tokens from `prompt_tokens_details`). */
export function usageOf(usage: Record<string, any>): Usage {
  const input = Number(usage.prompt_tokens ?? 0);
  const output = Number(usage.completion_tokens ?? 0);
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: Number(usage.total_tokens ?? input + output),
    ...(typeof cached === "number" ? { cachedInputTokens: cached } : {}),
  };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function toolCall(call: PendingCall, index: number): ToolCallPart {
  const raw = call.arguments || "{}";
  try {
    return {
      type: "tool-call",
      id: call.id ?? `call_${index}`,
      name: call.name,
      arguments: JSON.parse(raw),
      rawArguments: raw,
    };
  } catch (error) {
    return {
      type: "tool-call",
      id: call.id ?? `call_${index}`,
      name: call.name,
      arguments: undefined,
      rawArguments: raw,
      argumentsError: (error as Error).message,
    };
  }
}
