import type { CallOptions, Model, ModelRequest, ModelResponse, StreamEvent } from "@keel/core";
import { validateRequest } from "@keel/core";
import {
  abortReason,
  callSignal,
  chunkEventSource,
  createModelStream,
  observeModel,
  ResponseAccumulator,
} from "@keel/core/provider";
import type {
  Response as OpenAIResponse,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from "openai/resources/responses/responses";
import { type OpenAIChatSettings, openaiCapabilities } from "./chat-model.js";
import { PROVIDER, toOpenAIError } from "./errors.js";
import { toResponsesBody } from "./responses-request-body.js";
import { ResponsesStreamMapper, responseEvents } from "./responses-stream-mapper.js";
import { lazyClient } from "./settings.js";
import { assertEventStream, openAIStreamChunks, requestOptions } from "./transport.js";

/** Settings for a Responses API model. */
export interface OpenAIResponsesSettings extends OpenAIChatSettings {
  /**
   * Let OpenAI store responses (default false). Unstored, reasoning models return their
   * reasoning encrypted and Keel sends it back with the conversation.
   */
  store?: boolean;
}

/**
 * An OpenAI model served through the Responses API (`POST /responses`). Use it for reasoning
 * models: their reasoning items (with encrypted content) come back as reasoning parts and are
 * sent back on the next turn, so a tool loop keeps the model's chain of thought.
 */
export function openaiResponses(modelId: string, settings: OpenAIResponsesSettings = {}): Model {
  const client = lazyClient(settings);
  const capabilities = openaiCapabilities(modelId, settings.capabilities);
  const bodyOptions = {
    encryptedReasoning: capabilities.reasoning,
    ...(settings.store !== undefined ? { store: settings.store } : {}),
    ...(settings.systemMessageRole ? { systemMessageRole: settings.systemMessageRole } : {}),
  };

  /** The stream's events, pulled chunk by chunk (see `chunkEventSource` for why not a generator). */
  function produce(
    request: ModelRequest,
    options: CallOptions | undefined,
    signal: AbortSignal,
  ): AsyncIterable<StreamEvent> {
    validateRequest(request, PROVIDER);
    const body = toResponsesBody(modelId, request, {
      stream: true,
      ...bodyOptions,
    }) as ResponseCreateParamsStreaming;
    let mapper: ResponsesStreamMapper;
    return chunkEventSource<ResponseStreamEvent>({
      async open() {
        // The SDK sends and checks the request; Keel reads the event stream itself (`sseChunks`).
        const response = await client().responses.create(body, requestOptions(signal, options)).asResponse();
        await assertEventStream(response);
        mapper = new ResponsesStreamMapper(
          response.headers.get("x-request-id") ?? undefined,
          response.headers,
        );
        return openAIStreamChunks<ResponseStreamEvent>(response);
      },
      // The answer is complete at its terminal event; whatever follows is not part of it.
      map: (event) => (mapper.done ? [] : [...mapper.event(event)]),
      toError: (error) => toOpenAIError(error, signal),
      end() {
        if (signal.aborted) throw abortReason(signal);
        mapper.end();
        return [];
      },
    });
  }

  return observeModel({
    provider: PROVIDER,
    id: modelId,
    capabilities,
    async generate(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
      validateRequest(request, PROVIDER);
      const body = toResponsesBody(modelId, request, {
        stream: false,
        ...bodyOptions,
      }) as ResponseCreateParamsNonStreaming;
      const acc = new ResponseAccumulator(PROVIDER, modelId);
      const { signal, dispose } = callSignal(options);
      try {
        const { data, response, request_id } = await client()
          .responses.create(body, requestOptions(signal, options))
          .withResponse();
        for (const event of responseEvents(data as OpenAIResponse, request_id ?? undefined, response.headers))
          acc.add(event);
        return acc.finish();
      } catch (error) {
        throw toOpenAIError(error, signal);
      } finally {
        dispose();
      }
    },
    stream(request: ModelRequest, options?: CallOptions) {
      return createModelStream((signal) => produce(request, options, signal), {
        provider: PROVIDER,
        model: modelId,
        ...(options ? { options } : {}),
      });
    },
  });
}
