import type { EnhancedGenerateContentResponse, GenerateContentRequest } from "@google/generative-ai";
import type {
  CallOptions,
  Model,
  ModelCapabilities,
  ModelRequest,
  ModelResponse,
  ModelStream,
} from "@keel/core";
import { validateRequest } from "@keel/core";
import {
  abortReason,
  callSignal,
  chunkEventSource,
  createModelStream,
  observeModel,
  ResponseAccumulator,
} from "@keel/core/provider";
import { toGoogleError } from "./errors.js";
import { type GoogleClientSettings, lazyGenerativeModel, requestHeaders } from "./google-client.js";
import { toGeminiRequest } from "./request-body.js";
import { GeminiResponseMapper } from "./stream-mapper.js";
import type { GeminiRequest, GeminiResponse } from "./wire-types.js";

const PROVIDER = "google";

export interface GoogleSettings extends GoogleClientSettings {
  /** Overrides the capabilities Keel assumes for this model id. */
  capabilities?: Partial<ModelCapabilities>;
}

/**
 * A Keel `Model` for a Gemini model through `@google/generative-ai`: `generate` calls
 * `generateContent`, `stream` calls `streamGenerateContent?alt=sse`. Aborting the call's signal
 * or passing its deadline cancels the HTTP request.
 */
export function google(modelId: string, settings: GoogleSettings = {}): Model {
  const sdk = lazyGenerativeModel(modelId, settings);
  const capabilities: ModelCapabilities = {
    streaming: true,
    tools: true,
    jsonSchema: true,
    vision: true,
    // Gemini 2.5 and later think; earlier models do not.
    reasoning: /gemini-(2\.5|[3-9])/.test(modelId),
    ...settings.capabilities,
  };

  async function generate(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
    validateRequest(request, PROVIDER);
    const body = toGeminiRequest(request);
    const { signal, dispose } = callSignal(options);
    const accumulator = new ResponseAccumulator(PROVIDER, modelId);
    try {
      // The SDK only listens for a future abort, so an already-aborted signal must stop us here.
      if (signal.aborted) throw abortReason(signal);
      const { response: answer } = await sdk().generateContent(sdkParams(body), {
        signal,
        ...requestHeaders(settings, options?.headers),
      });
      const mapper = new GeminiResponseMapper();
      const raw = withoutHelpers(answer);
      for (const event of [...mapper.map(raw), ...mapper.end({ stream: false })]) accumulator.add(event);
      const response = accumulator.finish();
      // Nothing was streamed, so there is no time to first token.
      const { timeToFirstTokenMs: _, ...timings } = response.timings;
      return mapper.finalize({ ...response, timings });
    } catch (error) {
      throw toGoogleError(error, signal);
    } finally {
      dispose();
    }
  }

  function stream(request: ModelRequest, options?: CallOptions): ModelStream {
    const mapper = new GeminiResponseMapper();
    /** The stream's events, pulled chunk by chunk (see `chunkEventSource` for why not a generator). */
    function produce(signal: AbortSignal) {
      return chunkEventSource<EnhancedGenerateContentResponse>({
        async open() {
          validateRequest(request, PROVIDER);
          const body = toGeminiRequest(request);
          if (signal.aborted) throw abortReason(signal);
          const result = await sdk().generateContentStream(sdkParams(body), {
            signal,
            ...requestHeaders(settings, options?.headers),
          });
          // The SDK also aggregates the stream into `response`; we read the chunks, but its copy
          // rejects too when the stream fails, and must not become an unhandled rejection.
          result.response.catch(() => {});
          return result.stream[Symbol.asyncIterator]();
        },
        map: (chunk) => mapper.map(withoutHelpers(chunk)),
        toError: (error) => toGoogleError(error, signal),
        end() {
          try {
            return mapper.end({ stream: true });
          } catch (error) {
            throw toGoogleError(error, signal);
          }
        },
      });
    }
    return createModelStream(produce, {
      provider: PROVIDER,
      model: modelId,
      ...(options !== undefined ? { options } : {}),
      finalize: (response) => mapper.finalize(response),
    });
  }

  return observeModel({ provider: PROVIDER, id: modelId, capabilities, generate, stream });
}

/**
 * The SDK merges each call's params over model-level defaults (`generationConfig: {}`,
 * `safetySettings: []`); naming them undefined here keeps those empty defaults off the wire,
 * so the body sent is exactly `toGeminiRequest`'s.
 */
function sdkParams(body: GeminiRequest): GenerateContentRequest {
  return {
    generationConfig: undefined,
    safetySettings: undefined,
    ...body,
  } as unknown as GenerateContentRequest;
}

/** The SDK decorates responses with `text()`/`functionCall()`/`functionCalls()`; `raw` keeps only the payload. */
function withoutHelpers(response: object): GeminiResponse {
  const { text: _t, functionCall: _f, functionCalls: _fs, ...payload } = response as Record<string, unknown>;
  return payload as GeminiResponse;
}
