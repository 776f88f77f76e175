import type { FinishReason, StreamEvent } from "@keel/core";
import { usageOf } from "@keel/core/provider";
import type {
  ChatModelFunctions,
  LlamaChatResponse,
  LlamaChatResponseChunk,
  LlamaChatResponseFunctionCallParamsChunk,
} from "node-llama-cpp";

type ChatResult = LlamaChatResponse<ChatModelFunctions>;
type StopReason = ChatResult["metadata"]["stopReason"];

const FINISH_REASONS: Record<StopReason, FinishReason> = {
  eogToken: "stop",
  stopGenerationTrigger: "stop",
  customStopTrigger: "stop",
  maxTokens: "length",
  functionCalls: "tool-calls",
  abort: "other",
};

/**
 * Turns node-llama-cpp's generation callbacks and final result into Keel stream events: main
 * text → `text-delta`; thought (and gpt-oss comment) segments → `reasoning-delta`; function-call
 * parameter chunks → `tool-call-delta` by call index; then each whole `tool-call`, `usage`, `finish`.
 */
export class ChatEventMapper {
  readonly #callIds = new Map<number, string>();
  readonly #rawArguments = new Map<number, string>();
  readonly #idPrefix = `llama-${crypto.randomUUID().slice(0, 8)}`;
  #reasoningTokens = 0;

  constructor(private readonly emit: (event: StreamEvent) => void) {}

  /** For `onResponseChunk`. */
  chunk(chunk: LlamaChatResponseChunk): void {
    if (chunk.type === "segment") {
      this.#reasoningTokens += chunk.tokens.length;
      if (chunk.text !== "") this.emit({ type: "reasoning-delta", text: chunk.text });
    } else if (chunk.text !== "") {
      this.emit({ type: "text-delta", text: chunk.text });
    }
  }

  /** For `onFunctionCallParamsChunk`. */
  paramsChunk(chunk: LlamaChatResponseFunctionCallParamsChunk): void {
    const index = chunk.callIndex;
    const first = !this.#callIds.has(index);
    this.#rawArguments.set(index, (this.#rawArguments.get(index) ?? "") + chunk.paramsChunk);
    this.emit({
      type: "tool-call-delta",
      index,
      ...(first ? { id: this.#callId(index), name: chunk.functionName } : {}),
      argumentsDelta: chunk.paramsChunk,
    });
  }

  /** The closing events, once generation returned. */
  finish(result: ChatResult, usage: { inputTokens: number; outputTokens: number }, raw: unknown): void {
    result.functionCalls?.forEach((call, index) => {
      const streamed = this.#rawArguments.get(index)?.trim();
      this.emit({
        type: "tool-call",
        call: {
          type: "tool-call",
          id: this.#callId(index),
          name: call.functionName,
          arguments: call.params,
          rawArguments: streamed || JSON.stringify(call.params ?? {}),
        },
      });
    });
    const reasoning = this.#reasoningTokens > 0 ? { reasoningTokens: this.#reasoningTokens } : {};
    this.emit({ type: "usage", usage: usageOf(usage.inputTokens, usage.outputTokens, reasoning) });
    const stopReason = result.metadata.stopReason;
    this.emit({ type: "finish", finishReason: FINISH_REASONS[stopReason], rawFinishReason: stopReason, raw });
  }

  #callId(index: number): string {
    let id = this.#callIds.get(index);
    if (!id) {
      id = `${this.#idPrefix}-${index}`;
      this.#callIds.set(index, id);
    }
    return id;
  }
}
