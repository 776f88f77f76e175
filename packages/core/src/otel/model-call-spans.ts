import type { Attributes, Histogram, Meter } from "@opentelemetry/api";
import type { KeelEvent, ModelCallParams } from "../events.js";
import { redactSecrets } from "../telemetry/redact.js";
import { genAiFinishReason, genAiInput, genAiOutput } from "./gen-ai-messages.js";
import { SpanKind, SpanStatusCode } from "./otel-api.js";
import * as sc from "./semconv.js";
import { keelContextAttributes, type SpanRegistry } from "./span-registry.js";

type Started = Extract<KeelEvent, { type: "model.call.started" }>;
type Finished = Extract<KeelEvent, { type: "model.call.finished" }>;
type Failed = Extract<KeelEvent, { type: "model.call.failed" }>;

/** The GenAI client metrics, created once per exporter. */
export interface GenAiInstruments {
  duration: Histogram;
  tokens: Histogram;
  timeToFirstChunk: Histogram;
}

/** Creates the three GenAI client histograms with the bucket boundaries the conventions advise. */
export function genAiInstruments(meter: Meter): GenAiInstruments {
  const seconds = { unit: "s", advice: { explicitBucketBoundaries: sc.DURATION_BUCKETS } };
  return {
    duration: meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      ...seconds,
      description: "GenAI operation duration",
    }),
    tokens: meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      unit: "{token}",
      description: "Number of input and output tokens used",
      advice: { explicitBucketBoundaries: sc.TOKEN_BUCKETS },
    }),
    timeToFirstChunk: meter.createHistogram(sc.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      ...seconds,
      description: "Time to receive the first chunk of a streamed response",
    }),
  };
}

/** Providers whose models run inside the calling process (no network hop). */
const IN_PROCESS_PROVIDERS = new Set(["llama-cpp"]);

function requestAttributes(params: ModelCallParams | undefined): Attributes {
  if (!params) return {};
  const a: Attributes = {};
  if (params.maxOutputTokens !== undefined) a[sc.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.maxOutputTokens;
  if (params.temperature !== undefined) a[sc.ATTR_GEN_AI_REQUEST_TEMPERATURE] = params.temperature;
  if (params.topP !== undefined) a[sc.ATTR_GEN_AI_REQUEST_TOP_P] = params.topP;
  if (params.topK !== undefined) a[sc.ATTR_GEN_AI_REQUEST_TOP_K] = params.topK;
  if (params.frequencyPenalty !== undefined)
    a[sc.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY] = params.frequencyPenalty;
  if (params.presencePenalty !== undefined)
    a[sc.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY] = params.presencePenalty;
  if (params.stop?.length) a[sc.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = params.stop;
  if (params.seed !== undefined) a[sc.ATTR_GEN_AI_REQUEST_SEED] = params.seed;
  if (params.output !== undefined) a[sc.ATTR_GEN_AI_OUTPUT_TYPE] = params.output;
  return a;
}

/** What a call span remembers from its start for its end and its metrics. */
interface OpenCall {
  stream: boolean;
  metric: Attributes;
}

/**
 * Turns `model.call.*` events into GenAI inference spans (`chat {model}`, kind CLIENT) and the
 * GenAI client metrics. Content is recorded only when `captureContent` is set and the events
 * carry it (see `captureContent()` in @keel/core).
 */
export class ModelCallSpans {
  readonly #open = new Map<string, OpenCall>();

  constructor(
    private readonly spans: SpanRegistry,
    private readonly instruments: GenAiInstruments | undefined,
    private readonly providerName: (provider: string) => string,
    private readonly captureContent: boolean,
  ) {}

  started(e: Started): void {
    if (e.callId === undefined) return;
    const metric: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: "chat",
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: this.providerName(e.provider),
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: e.model,
    };
    const attrs: Attributes = {
      ...metric,
      ...requestAttributes(e.params),
      ...keelContextAttributes(e.context),
    };
    if (e.stream) attrs[sc.ATTR_GEN_AI_REQUEST_STREAM] = true;
    if (this.captureContent && e.input) {
      const { system, input } = genAiInput(e.input);
      attrs[sc.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(input);
      if (system.length) attrs[sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(system);
    }
    // The conventions make inference spans INTERNAL when the model runs in this process.
    const kind = IN_PROCESS_PROVIDERS.has(e.provider) ? SpanKind.INTERNAL : SpanKind.CLIENT;
    this.spans.calls.set(e.callId, this.spans.start(`chat ${e.model}`, kind, attrs, e.time, e.context));
    this.#open.set(e.callId, { stream: e.stream, metric });
  }

  finished(e: Finished): void {
    const call = this.#take(e.callId);
    if (!call) return;
    const { span, open } = call;
    const responseModel = e.servedModel ?? e.model;
    const metric = { ...open.metric, [sc.ATTR_GEN_AI_RESPONSE_MODEL]: responseModel };
    const u = e.usage;
    const attrs: Attributes = {
      [sc.ATTR_GEN_AI_RESPONSE_MODEL]: responseModel,
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [genAiFinishReason(e.finishReason)],
      [sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: u.inputTokens,
      [sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: u.outputTokens,
    };
    if (e.requestId !== undefined) attrs[sc.ATTR_GEN_AI_RESPONSE_ID] = e.requestId;
    if (u.cachedInputTokens !== undefined)
      attrs[sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = u.cachedInputTokens;
    if (u.cacheWriteTokens !== undefined)
      attrs[sc.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = u.cacheWriteTokens;
    if (u.reasoningTokens !== undefined)
      attrs[sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = u.reasoningTokens;
    if (open.stream && e.timeToFirstTokenMs !== undefined)
      attrs[sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = e.timeToFirstTokenMs / 1000;
    if (e.queuedMs !== undefined) attrs["keel.queued_ms"] = e.queuedMs;
    if (e.cached) attrs["keel.cached"] = true;
    if (this.captureContent && e.output)
      attrs[sc.ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(genAiOutput(e.output, e.finishReason));
    span.setAttributes(attrs);
    for (const f of e.failovers ?? [])
      span.addEvent("keel.fallback", {
        "keel.fallback.from": f.from,
        "keel.fallback.to": f.to,
        [sc.ATTR_ERROR_TYPE]: f.errorCode,
      });
    span.end(e.time);
    if (!this.instruments) return;
    this.instruments.duration.record(e.durationMs / 1000, metric);
    // The conventions forbid reporting usage a provider did not give; all zeros means none was.
    if (u.inputTokens > 0 || u.outputTokens > 0) {
      this.instruments.tokens.record(u.inputTokens, { ...metric, [sc.ATTR_GEN_AI_TOKEN_TYPE]: "input" });
      this.instruments.tokens.record(u.outputTokens, { ...metric, [sc.ATTR_GEN_AI_TOKEN_TYPE]: "output" });
    }
    if (open.stream && e.timeToFirstTokenMs !== undefined)
      this.instruments.timeToFirstChunk.record(e.timeToFirstTokenMs / 1000, metric);
  }

  failed(e: Failed): void {
    const call = this.#take(e.callId);
    if (!call) return;
    const errorType = e.error.code ?? "_OTHER";
    call.span.setAttribute(sc.ATTR_ERROR_TYPE, errorType);
    call.span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(e.error.message) });
    call.span.end(e.time);
    this.instruments?.duration.record(e.durationMs / 1000, {
      ...call.open.metric,
      [sc.ATTR_ERROR_TYPE]: errorType,
    });
  }

  #take(callId: string | undefined) {
    if (callId === undefined) return undefined;
    const span = this.spans.calls.get(callId);
    const open = this.#open.get(callId);
    this.spans.calls.delete(callId);
    this.#open.delete(callId);
    return span && open ? { span, open } : undefined;
  }
}
