import type { KeelError } from "./errors.js";
import type { AssistantPart, Message, ProviderMetadata, ToolCallPart } from "./messages.js";

/** A JSON Schema object, as sent to providers for tools and structured output. */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  /** Ask the provider for strict schema adherence where supported. */
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json"; schema?: JsonSchema; name?: string; description?: string; strict?: boolean };

/** Everything a model call needs, in one provider-neutral shape. */
export interface ModelRequest {
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stop?: string[];
  maxOutputTokens?: number;
  /** Reasoning effort or token budget, for models that think. */
  reasoning?: { effort?: "minimal" | "low" | "medium" | "high"; budgetTokens?: number };
  /**
   * Ask for each output token's log probability (`response.logprobs`, `logprobs` stream events);
   * `top` (0–20) adds that many most likely alternatives per position. Providers without them
   * (Anthropic, local GGUF) refuse the request with `InvalidRequestError`.
   */
  logprobs?: { top?: number };
  /** Passed through to the named provider's request body unchanged, e.g. `{ openai: { user: "u1" } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
  /** Free-form labels carried into telemetry. */
  metadata?: Record<string, string>;
  /** The tenant this call is made for; caches and stores scope by it. */
  tenant?: string;
}

/** Normalized token usage. Cached and reasoning tokens are subsets of input and output respectively. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

/** Where the time went, in milliseconds. */
export interface Timings {
  /** Time spent waiting in Keel queues (concurrency, rate limit) before the request was sent. */
  queuedMs?: number;
  /** From request start to the first streamed token. */
  timeToFirstTokenMs?: number;
  totalMs: number;
}

/** A hop from one model to another made by the fallback middleware. */
export interface Failover {
  from: string;
  to: string;
  errorCode: string;
  /** Text already delivered to the caller by the failed model when it failed mid-stream. */
  deliveredText?: string;
}

/** A candidate token and its log probability (natural log). */
export interface TokenCandidate {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes, where the provider gives them (a token can be part of a character). */
  bytes?: number[];
}

/** One output token's log probability, with the most likely alternatives when they were asked for. */
export interface TokenLogprob extends TokenCandidate {
  /** The most likely tokens at this position, most likely first (`ModelRequest.logprobs.top`). */
  top?: TokenCandidate[];
}

/** A complete model answer. */
export interface ModelResponse {
  content: AssistantPart[];
  /** All text parts joined. */
  text: string;
  toolCalls: ToolCallPart[];
  usage: Usage;
  finishReason: FinishReason;
  /** The provider's raw finish reason, for cases the normalized one flattens. */
  rawFinishReason?: string;
  /** Set when the model refused (OpenAI `refusal`, safety blocks). */
  refusal?: string;
  provider: string;
  model: { requested: string; served?: string };
  requestId?: string;
  timings: Timings;
  /** Set by middleware that failed over to another model. */
  failovers?: Failover[];
  /** The output tokens' log probabilities, in order, when the request asked for them. */
  logprobs?: TokenLogprob[];
  /** True when the answer came from a cache. */
  cached?: boolean;
  /** The provider's response payload (last chunk for streams), for escape hatches. */
  raw?: unknown;
}

/** Identifies the unit of work a call belongs to; copied onto every telemetry event. */
export interface CallContext {
  runId?: string;
  flowId?: string;
  stepId?: string;
  tenant?: string;
  [key: string]: string | undefined;
}

/** Per-call options every model and middleware accepts. */
export interface CallOptions {
  /** Aborting cancels the underlying HTTP request. */
  signal?: AbortSignal;
  /** Absolute deadline (ms since epoch, as `Date.now()`); the call fails with a timeout error past it. */
  deadline?: number;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
  context?: CallContext;
}

export interface ModelCapabilities {
  streaming: boolean;
  tools: boolean;
  /** Provider-native JSON-schema output. */
  jsonSchema: boolean;
  vision: boolean;
  reasoning: boolean;
  contextWindow?: number;
  maxOutputTokens?: number;
}

export type StreamEvent =
  | { type: "text-delta"; text: string }
  | {
      type: "reasoning-delta";
      text: string;
      signature?: string;
      redactedData?: string;
      /** Provider data for the reasoning part (e.g. OpenAI encrypted reasoning); like `signature`, it closes the part. */
      providerMetadata?: ProviderMetadata;
    }
  | { type: "tool-call-delta"; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: "tool-call"; call: ToolCallPart }
  | { type: "response-metadata"; requestId?: string; servedModel?: string }
  | { type: "usage"; usage: Usage }
  /** Log probabilities of the output tokens just streamed (after or with their text). */
  | { type: "logprobs"; tokens: TokenLogprob[] }
  | { type: "finish"; finishReason: FinishReason; rawFinishReason?: string; refusal?: string; raw?: unknown }
  | { type: "error"; error: KeelError };

export type StreamEventType = StreamEvent["type"];

/**
 * A streamed answer: iterate it once for typed events, or await `response` for the aggregate.
 * On failure the last event is `error` and the iteration then throws that same error, so a
 * `for await` loop cannot miss it. Breaking out of the loop aborts the underlying request.
 */
export interface ModelStream extends AsyncIterable<StreamEvent> {
  /** The aggregated final answer; consumes the stream if nobody iterates it. */
  readonly response: Promise<ModelResponse>;
}

/** The one interface every provider and every middleware implements. */
export interface Model {
  readonly provider: string;
  readonly id: string;
  readonly capabilities: ModelCapabilities;
  generate(request: ModelRequest, options?: CallOptions): Promise<ModelResponse>;
  stream(request: ModelRequest, options?: CallOptions): ModelStream;
}

export interface EmbeddingResult {
  embeddings: number[][];
  usage?: { inputTokens: number };
}

/** Turns texts into vectors; `embed` splits the input into batches of at most `maxBatchSize`. */
export interface EmbeddingModel {
  readonly provider: string;
  readonly id: string;
  readonly dimensions?: number;
  readonly maxBatchSize: number;
  embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult>;
}

/** Wraps a model to add behaviour; compose with `pipe`. */
export type Middleware = (next: Model) => Model;
