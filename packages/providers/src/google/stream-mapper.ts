import {
  ContentFilteredError,
  type ModelResponse,
  NetworkError,
  OutputParseError,
  type StreamEvent,
  type TokenCandidate,
  type TokenLogprob,
  type ToolCallPart,
} from "@keel/core";
import { withAlternatives } from "../shared/logprobs.js";
import { toFinishReason } from "./finish-reason.js";
import { PartialArgsBuilder } from "./partial-args.js";
import { toUsage } from "./usage.js";
import type {
  GeminiCandidate,
  GeminiLogprobsCandidate,
  GeminiLogprobsResult,
  GeminiPart,
  GeminiResponse,
  GeminiUsageMetadata,
} from "./wire-types.js";

const PROVIDER = "google";

interface PendingCall {
  index: number;
  id: string;
  name: string;
  args: PartialArgsBuilder;
  signature: string | undefined;
}

/**
 * Turns Gemini `GenerateContentResponse`s (stream chunks, or one whole answer) into Keel stream
 * events, for the first candidate.
 *
 * - `text` parts → `text-delta`; `thought: true` parts → `reasoning-delta`; code-execution parts →
 *   text, fenced as the SDK's `text()` renders them.
 * - `functionCall` parts → `tool-call`. Whole calls are emitted at once; Vertex's streamed form
 *   (`{name, willContinue}`, then `partialArgs` fragments, then an empty `functionCall: {}`) is
 *   assembled first, with a `tool-call-delta` announcing the call when it starts.
 * - Gemini has no call ids, so each call gets `gemini-<responseId>-<n>` (a random stand-in when the
 *   response has no id): unique within the answer, identical for the stream and its aggregate.
 * - `thoughtSignature`s ride on the part they came with: on tool calls directly, and on text and
 *   reasoning parts through `finalize`, because text events cannot carry metadata.
 * - usage is cumulative, so only the last `usageMetadata` counts; `modelVersion` is the served model
 *   and `responseId` the request id.
 */
export class GeminiResponseMapper {
  #metadata: { requestId?: string; servedModel?: string } = {};
  #usage: GeminiUsageMetadata | undefined;
  #finishReason: string | undefined;
  #finishMessage: string | undefined;
  #last: GeminiResponse | undefined;
  #callCount = 0;
  #callPrefix: string | undefined;
  #pending: PendingCall | undefined;
  // Mirrors how ResponseAccumulator groups deltas into parts, to know which part a signature is for.
  #lastKind: "text" | "reasoning" | "tool-call" | undefined;
  #textRuns = -1;
  #reasoningRuns = -1;
  #textSignatures = new Map<number, string>();
  #reasoningSignatures = new Map<number, string>();

  /** Events for one response or stream chunk. Throws `ContentFilteredError` when the prompt was blocked. */
  map(chunk: GeminiResponse): StreamEvent[] {
    this.#last = chunk;
    const events: StreamEvent[] = [];
    const blocked = chunk.promptFeedback?.blockReason;
    if (blocked) {
      const detail = chunk.promptFeedback?.blockReasonMessage;
      throw new ContentFilteredError(`Gemini blocked the prompt (${blocked})${detail ? `: ${detail}` : ""}`, {
        provider: PROVIDER,
        body: chunk.promptFeedback,
      });
    }
    this.#mapMetadata(chunk, events);
    if (toUsage(chunk.usageMetadata)) this.#usage = chunk.usageMetadata;
    const candidate = firstCandidate(chunk.candidates);
    for (const part of candidate?.content?.parts ?? []) this.#mapPart(part, events);
    const logprobs = candidate?.logprobsResult && fromGeminiLogprobs(candidate.logprobsResult);
    if (logprobs?.length) events.push({ type: "logprobs", tokens: logprobs });
    if (candidate?.finishReason !== undefined) {
      this.#finishReason = candidate.finishReason;
      this.#finishMessage = candidate.finishMessage;
    }
    return events;
  }

  /**
   * Events that close the answer: a call still being assembled, usage, and `finish`. A stream that
   * ends before any chunk gave a `finishReason` was cut short (Gemini has no other end marker).
   */
  end(options: { stream: boolean }): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.#closePending(events);
    if (options.stream && this.#finishReason === undefined) {
      throw new NetworkError("the Gemini stream ended before the answer finished (no finishReason)", {
        provider: PROVIDER,
      });
    }
    const usage = toUsage(this.#usage);
    if (usage) events.push({ type: "usage", usage });
    const finishReason = toFinishReason(this.#finishReason, this.#callCount > 0);
    const refusal =
      finishReason === "content-filter"
        ? (this.#finishMessage ?? `Gemini stopped the answer (${this.#finishReason})`)
        : undefined;
    events.push({
      type: "finish",
      finishReason,
      ...(this.#finishReason !== undefined ? { rawFinishReason: this.#finishReason } : {}),
      ...(refusal !== undefined ? { refusal } : {}),
      ...(this.#last !== undefined ? { raw: this.#last } : {}),
    });
    return events;
  }

  /** Puts the thought signatures of text and reasoning parts into `providerMetadata.google`. */
  finalize(response: ModelResponse): ModelResponse {
    if (this.#textSignatures.size === 0 && this.#reasoningSignatures.size === 0) return response;
    let text = -1;
    let reasoning = -1;
    const content = response.content.map((part) => {
      const signature =
        part.type === "text"
          ? this.#textSignatures.get(++text)
          : part.type === "reasoning"
            ? this.#reasoningSignatures.get(++reasoning)
            : undefined;
      if (signature === undefined) return part;
      return {
        ...part,
        providerMetadata: {
          ...part.providerMetadata,
          google: { ...part.providerMetadata?.google, thoughtSignature: signature },
        },
      };
    });
    return { ...response, content };
  }

  #mapMetadata(chunk: GeminiResponse, events: StreamEvent[]): void {
    const requestId = chunk.responseId ?? this.#metadata.requestId;
    const servedModel = chunk.modelVersion ?? this.#metadata.servedModel;
    if (requestId === this.#metadata.requestId && servedModel === this.#metadata.servedModel) return;
    this.#metadata = {
      ...(requestId !== undefined ? { requestId } : {}),
      ...(servedModel !== undefined ? { servedModel } : {}),
    };
    events.push({ type: "response-metadata", ...this.#metadata });
  }

  #mapPart(part: GeminiPart, events: StreamEvent[]): void {
    const signature = part.thoughtSignature;
    if (part.functionCall) {
      this.#mapFunctionCall(part, events);
    } else if (part.thought === true && typeof part.text === "string") {
      if (part.text === "" && signature === undefined) return;
      if (this.#lastKind !== "reasoning") this.#reasoningRuns++;
      this.#lastKind = "reasoning";
      if (signature !== undefined) this.#reasoningSignatures.set(this.#reasoningRuns, signature);
      events.push({ type: "reasoning-delta", text: part.text });
    } else {
      const text = textOf(part);
      // Gemini ends some streams with an empty text part; it matters only when it carries a signature.
      if (text === undefined || (text === "" && signature === undefined)) return;
      if (this.#lastKind !== "text") this.#textRuns++;
      this.#lastKind = "text";
      if (signature !== undefined) this.#textSignatures.set(this.#textRuns, signature);
      events.push({ type: "text-delta", text });
    }
  }

  #mapFunctionCall(part: GeminiPart, events: StreamEvent[]): void {
    const call = part.functionCall!;
    if (call.name !== undefined) {
      this.#closePending(events);
      const index = this.#callCount++;
      this.#pending = {
        index,
        id: this.#nextId(index),
        name: call.name,
        args: new PartialArgsBuilder(call.args ?? {}),
        signature: part.thoughtSignature,
      };
      if (call.willContinue === true) {
        events.push({
          type: "tool-call-delta",
          index,
          id: this.#pending.id,
          name: call.name,
          argumentsDelta: "",
        });
      }
    } else if (part.thoughtSignature !== undefined && this.#pending) {
      this.#pending.signature ??= part.thoughtSignature;
    }
    if (call.partialArgs !== undefined) {
      if (!this.#pending) {
        throw new OutputParseError(
          "Gemini streamed function-call arguments without a call to attach them to",
          {
            provider: PROVIDER,
          },
        );
      }
      for (const fragment of call.partialArgs) this.#pending.args.apply(fragment);
    }
    if (call.willContinue !== true) this.#closePending(events);
  }

  #closePending(events: StreamEvent[]): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    const toolCall: ToolCallPart = {
      type: "tool-call",
      id: pending.id,
      name: pending.name,
      arguments: pending.args.args,
      ...(pending.signature !== undefined
        ? { providerMetadata: { google: { thoughtSignature: pending.signature } } }
        : {}),
    };
    this.#lastKind = "tool-call";
    events.push({ type: "tool-call", call: toolCall });
  }

  #nextId(index: number): string {
    this.#callPrefix ??= this.#metadata.requestId ?? globalThis.crypto.randomUUID().slice(0, 8);
    return `gemini-${this.#callPrefix}-${index}`;
  }
}

function firstCandidate(candidates: GeminiCandidate[] | undefined): GeminiCandidate | undefined {
  return candidates?.find((c) => (c.index ?? 0) === 0) ?? candidates?.[0];
}

function textOf(part: GeminiPart): string | undefined {
  if (typeof part.text === "string") return part.text;
  if (part.executableCode)
    return `\n\`\`\`${part.executableCode.language ?? ""}\n${part.executableCode.code ?? ""}\n\`\`\`\n`;
  if (part.codeExecutionResult) return `\n\`\`\`\n${part.codeExecutionResult.output ?? ""}\n\`\`\`\n`;
  return undefined;
}

/** Gemini's per-step log probabilities as Keel's: `topCandidates[i]` holds the alternatives for `chosenCandidates[i]`. */
export function fromGeminiLogprobs(result: GeminiLogprobsResult): TokenLogprob[] {
  const tokens: TokenLogprob[] = [];
  const chosen = result.chosenCandidates ?? [];
  for (let i = 0; i < chosen.length; i++) {
    const token = candidateOf(chosen[i]!);
    if (token) tokens.push(withAlternatives(token, result.topCandidates?.[i]?.candidates?.map(candidateOf)));
  }
  return tokens;
}

function candidateOf(entry: GeminiLogprobsCandidate): TokenCandidate | undefined {
  return typeof entry.token === "string" && typeof entry.logProbability === "number"
    ? { token: entry.token, logprob: entry.logProbability }
    : undefined;
}
