import type { AssistantPart, ToolCallPart } from "../messages.js";
import type { FinishReason, ModelResponse, StreamEvent, TokenLogprob, Usage } from "../model.js";

const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/** Folds stream events into the final `ModelResponse`, keeping part order as it arrived. */
export class ResponseAccumulator {
  readonly content: AssistantPart[] = [];
  usage: Usage = ZERO_USAGE;
  finishReason: FinishReason = "other";
  rawFinishReason: string | undefined;
  refusal: string | undefined;
  requestId: string | undefined;
  servedModel: string | undefined;
  raw: unknown;
  logprobs: TokenLogprob[] | undefined;
  firstTokenAt: number | undefined;

  constructor(
    readonly provider: string,
    readonly requestedModel: string,
    readonly startedAt: number = Date.now(),
  ) {}

  add(event: StreamEvent): void {
    switch (event.type) {
      case "text-delta": {
        this.#markFirstToken();
        const last = this.content[this.content.length - 1];
        if (last?.type === "text") last.text += event.text;
        else this.content.push({ type: "text", text: event.text });
        break;
      }
      case "reasoning-delta": {
        this.#markFirstToken();
        const last = this.content.at(-1);
        // A part stays open for more deltas until a signature or provider metadata closes it.
        if (
          last?.type === "reasoning" &&
          last.signature === undefined &&
          last.providerMetadata === undefined
        ) {
          last.text += event.text;
          if (event.signature !== undefined) last.signature = event.signature;
          if (event.redactedData !== undefined) last.redactedData = event.redactedData;
          if (event.providerMetadata !== undefined) last.providerMetadata = event.providerMetadata;
        } else {
          this.content.push({
            type: "reasoning",
            text: event.text,
            ...(event.signature !== undefined ? { signature: event.signature } : {}),
            ...(event.redactedData !== undefined ? { redactedData: event.redactedData } : {}),
            ...(event.providerMetadata !== undefined ? { providerMetadata: event.providerMetadata } : {}),
          });
        }
        break;
      }
      case "tool-call-delta":
        this.#markFirstToken();
        break;
      case "tool-call":
        this.#markFirstToken();
        this.content.push(event.call);
        break;
      case "response-metadata":
        if (event.requestId !== undefined) this.requestId = event.requestId;
        if (event.servedModel !== undefined) this.servedModel = event.servedModel;
        break;
      case "usage":
        this.usage = event.usage;
        break;
      case "logprobs":
        if (this.logprobs) for (const token of event.tokens) this.logprobs.push(token);
        else this.logprobs = [...event.tokens];
        break;
      case "finish":
        this.finishReason = event.finishReason;
        this.rawFinishReason = event.rawFinishReason;
        if (event.refusal !== undefined) this.refusal = event.refusal;
        if (event.raw !== undefined) this.raw = event.raw;
        break;
      case "error":
        break;
    }
  }

  /**
   * The text delivered so far: the text parts joined. Computed on demand rather than kept twice,
   * which would cost a string per delta on every stream.
   */
  get text(): string {
    let text = "";
    for (const part of this.content) if (part.type === "text") text += part.text;
    return text;
  }

  #markFirstToken(): void {
    this.firstTokenAt ??= Date.now();
  }

  /** The response as it stands now. */
  finish(): ModelResponse {
    const toolCalls = this.content.filter((p): p is ToolCallPart => p.type === "tool-call");
    return {
      content: this.content,
      text: this.text,
      toolCalls,
      usage: this.usage,
      finishReason: this.finishReason,
      ...(this.rawFinishReason !== undefined ? { rawFinishReason: this.rawFinishReason } : {}),
      ...(this.refusal !== undefined ? { refusal: this.refusal } : {}),
      provider: this.provider,
      model: { requested: this.requestedModel, ...(this.servedModel ? { served: this.servedModel } : {}) },
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      timings: {
        totalMs: Date.now() - this.startedAt,
        ...(this.firstTokenAt !== undefined
          ? { timeToFirstTokenMs: this.firstTokenAt - this.startedAt }
          : {}),
      },
      ...(this.logprobs !== undefined ? { logprobs: this.logprobs } : {}),
      ...(this.raw !== undefined ? { raw: this.raw } : {}),
    };
  }
}

/** Builds usage with a computed total. */
export function usageOf(input: number, output: number, extra: Partial<Usage> = {}): Usage {
  return { inputTokens: input, outputTokens: output, totalTokens: input + output, ...extra };
}
